// Notes Tutor web chat: streamed answers with citations, quiz mode, progress. No build step.
"use strict";

const MAX_CHARS = 4000;
const KEY_SESSION = "notes-tutor.session";
const KEY_TRANSCRIPT = "notes-tutor.transcript";
const KEEP_MESSAGES = 40;

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
};

// ---- session ---------------------------------------------------------------------------------

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "s-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}
function sessionId() {
  let id = localStorage.getItem(KEY_SESSION);
  if (!id) { id = newId(); localStorage.setItem(KEY_SESSION, id); }
  return id;
}
function loadTranscript() {
  try { return JSON.parse(localStorage.getItem(KEY_TRANSCRIPT) || "[]"); } catch { return []; }
}
function saveTranscript(items) {
  localStorage.setItem(KEY_TRANSCRIPT, JSON.stringify(items.slice(-KEEP_MESSAGES)));
}

// ---- talking to the server ---------------------------------------------------------------------

class ApiError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}
const UNREACHABLE = "Can't reach the tutor server. Check that `tutor serve` is running, then try again.";

async function request(path, { method = "GET", body } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    showBanner(UNREACHABLE);
    throw new ApiError(UNREACHABLE, 0);
  }
  hideBannerIfReachable(response);
  if (!response.ok) throw await errorFrom(response);
  return response;
}
async function api(path, options) {
  return (await request(path, options)).json();
}
async function errorFrom(response) {
  let detail = `The server answered ${response.status}.`;
  try {
    const body = await response.json();
    if (body && body.detail) detail = body.detail;
  } catch { /* not JSON: keep the status line */ }
  if (response.status === 503) showBanner(detail);
  return new ApiError(detail, response.status);
}

// ---- the banner for an unreachable or unhealthy server -------------------------------------------

let healthTimer = null;
function showBanner(text) {
  const banner = $("#banner");
  banner.textContent = text;
  banner.hidden = false;
  if (!healthTimer) healthTimer = setInterval(checkHealth, 5000);
}
function hideBannerIfReachable(response) {
  if (response.status < 500 && !$("#banner").hidden) {
    $("#banner").hidden = true;
    clearInterval(healthTimer);
    healthTimer = null;
  }
}
async function checkHealth() {
  try {
    const response = await fetch("/healthz");
    if (response.ok) hideBannerIfReachable(response);
  } catch { /* still down: keep the banner */ }
}

// ---- rendering answer text with [n] citation buttons ---------------------------------------------

function renderAnswerText(container, text, citations) {
  container.replaceChildren();
  const byN = new Map((citations || []).map((c) => [c.n, c]));
  for (const para of text.split(/\n{2,}/)) {
    // The notes' lists come as Markdown ("- item", "  - nested", "1. step"): shown as lists.
    let block = null;
    let list = null;
    for (const line of para.split("\n")) {
      const item = line.match(/^(\s*)(?:(-)|\d+[.)])\s+(.*)$/);
      if (item) {
        const tag = item[2] ? "ul" : "ol";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = el(tag, { class: "answer-list" });
          container.append(list);
          block = null;
        }
        const li = el("li", item[1].length ? { class: "nested" } : {});
        renderInline(li, item[2] ? item[3] : line.trim(), byN);
        list.append(li);
      } else {
        list = null;
        if (!block) { block = el("p"); container.append(block); } else { block.append(el("br")); }
        renderInline(block, line, byN);
      }
    }
  }
}

function renderInline(node, text, byN) {
  const pattern = /\[(\d+)\]|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    node.append(text.slice(last, match.index));
    if (match[1]) {
      const cite = byN.get(Number(match[1]));
      if (cite) {
        node.append(el("button", {
          type: "button", class: "cite", title: cite.section,
          "aria-label": `Source ${cite.n}: ${cite.section}`, onclick: () => openSource(cite.chunk_id),
        }, `${cite.n}`));
      } else {
        node.append(match[0]);
      }
    } else {
      node.append(el("strong", {}, match[2]));
    }
    last = match.index + match[0].length;
  }
  node.append(text.slice(last));
}

function sourcesList(citations) {
  if (!citations || !citations.length) return null;
  const list = el("ul", { class: "sources", "aria-label": "Sources" });
  for (const c of citations) {
    list.append(el("li", {}, el("button", {
      type: "button", class: "source-link", onclick: () => openSource(c.chunk_id),
    }, el("span", { class: "n" }, `[${c.n}]`), el("span", {}, c.section), el("span", { class: "where" }, c.source))));
  }
  return list;
}

// ---- chat ----------------------------------------------------------------------------------------

let transcript = loadTranscript();
let busy = false;

function addMessage(item, { save = true } = {}) {
  $("#welcome").hidden = true;
  const li = el("li", { class: `msg ${item.role}` });
  li.append(el("span", { class: "who" }, item.role === "user" ? "You" : "Tutor"));
  const bubble = el("div", { class: "bubble" });
  li.append(bubble);
  $("#messages").append(li);
  const view = { li, bubble, item };
  paint(view);
  if (save) { transcript.push(item); saveTranscript(transcript); }
  li.scrollIntoView({ block: "end" });
  return view;
}

function paint(view) {
  const { li, bubble, item } = view;
  li.className = `msg ${item.role}` + (item.error ? " error" : "") + (item.grounded === false ? " declined" : "");
  li.querySelectorAll(".sources, .note").forEach((n) => n.remove());
  bubble.classList.toggle("typing", Boolean(item.streaming) && !item.error);
  if (item.role === "user" || item.error) { bubble.textContent = item.text; return; }
  renderAnswerText(bubble, item.text, item.citations);
  if (item.grounded === false) {
    const note = el("div", { class: "note" }, "Ask about one of these instead:");
    for (const topic of item.nearest_topics || []) {
      note.append(el("button", { type: "button", class: "chip", onclick: () => ask(`Tell me about ${topic}`) }, topic));
    }
    li.append(note);
  }
  const sources = item.streaming ? null : sourcesList(item.citations);
  if (sources) li.append(sources);
  if (item.degraded) li.append(el("div", { class: "note" }, "The language model was unavailable; this answer comes straight from the notes."));
}

async function ask(question) {
  question = question.trim();
  if (!question || busy) return;
  if (question.length > MAX_CHARS) {
    addMessage({ role: "tutor", error: true, text: `That question is ${question.length} characters; the limit is ${MAX_CHARS}.` }, { save: false });
    return;
  }
  setBusy(true);
  addMessage({ role: "user", text: question });
  const view = addMessage({ role: "tutor", text: "", streaming: true }, { save: false });
  try {
    const response = await request("/v1/chat/stream", {
      method: "POST", body: { message: question, session_id: sessionId() },
    });
    for await (const event of readEvents(response)) {
      if (event.event === "delta") {
        view.item.text += JSON.parse(event.data).text;
      } else if (event.event === "answer") {
        const answer = JSON.parse(event.data);
        Object.assign(view.item, answer, { streaming: false });
        if (answer.session_id) localStorage.setItem(KEY_SESSION, answer.session_id);
      } else if (event.event === "error") {
        Object.assign(view.item, { error: true, streaming: false, text: JSON.parse(event.data).detail });
      }
      paint(view);
      view.li.scrollIntoView({ block: "end" });
    }
    if (view.item.streaming) throw new ApiError("The answer was cut off. Please ask again.", 0);
  } catch (err) {
    Object.assign(view.item, { error: true, streaming: false, text: err.message || UNREACHABLE });
  } finally {
    view.item.streaming = false;
    paint(view);
    const { role, text, citations, grounded, nearest_topics, error, degraded } = view.item;
    transcript.push({ role, text, citations, grounded, nearest_topics, error, degraded });
    saveTranscript(transcript);
    setBusy(false);
  }
}

// Server-sent events from a fetch body (EventSource cannot POST).
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { event: "message", data: "" };
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue; // keep-alive comment
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.event = val;
        else if (field === "data") data.push(val);
      }
      if (data.length) { event.data = data.join("\n"); yield event; }
    }
  }
}

function setBusy(value) {
  busy = value;
  $("#ask-button").disabled = value;
  $("#ask-button").textContent = value ? "…" : "Ask";
}

function updateCounter() {
  const n = $("#question").value.length;
  const counter = $("#counter");
  counter.textContent = n > MAX_CHARS * 0.8 ? `${n} / ${MAX_CHARS}` : "";
  counter.classList.toggle("over", n >= MAX_CHARS);
  const q = $("#question");
  q.style.height = "auto";
  q.style.height = Math.min(q.scrollHeight, 192) + "px";
}

function setupChat() {
  for (const item of transcript) addMessage(item, { save: false });
  $("#ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("#question");
    const text = q.value;
    if (!text.trim()) { q.focus(); return; }
    q.value = "";
    updateCounter();
    ask(text);
  });
  $("#question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("#ask-form").requestSubmit();
    }
  });
  $("#question").addEventListener("input", updateCounter);
  document.querySelectorAll(".suggestion").forEach((b) => b.addEventListener("click", () => ask(b.textContent)));
  $("#new-chat").addEventListener("click", () => {
    localStorage.setItem(KEY_SESSION, newId());
    transcript = [];
    saveTranscript(transcript);
    $("#messages").replaceChildren();
    $("#welcome").hidden = false;
    $("#question").focus();
  });
}

// ---- citations -----------------------------------------------------------------------------------

async function openSource(chunkId) {
  const dialog = $("#source-dialog");
  $("#source-file").textContent = "";
  $("#source-section").textContent = "Loading…";
  $("#source-text").textContent = "";
  if (!dialog.open) dialog.showModal();
  try {
    const passage = await api(`/v1/sources/${encodeURIComponent(chunkId)}`);
    $("#source-file").textContent = passage.source;
    $("#source-section").textContent = passage.section;
    $("#source-text").textContent = passage.text;
  } catch (err) {
    $("#source-section").textContent = "Source unavailable";
    $("#source-text").textContent = err.status === 404
      ? "This passage is no longer in the notes (they were re-ingested). Ask again for fresh citations."
      : err.message;
  }
  $("#source-close").focus();
}

// ---- quiz ----------------------------------------------------------------------------------------

let quizItem = null;
let quizDone = false;
let topicsLoaded = false;

async function loadTopics() {
  if (topicsLoaded) return;
  try {
    const { quiz_topics: topics } = await api("/v1/topics");
    const select = $("#quiz-topic");
    for (const t of topics) select.append(el("option", { value: t }, t));
    topicsLoaded = true;
  } catch { /* the banner says why; "Any topic" still works */ }
}

async function newQuestion() {
  const button = $("#quiz-new");
  button.disabled = true;
  try {
    quizItem = await api("/v1/quiz", {
      method: "POST",
      body: { session_id: sessionId(), topic: $("#quiz-topic").value || null, kind: $("#quiz-kind").value },
    });
    quizDone = false;
    renderQuiz();
  } catch (err) {
    showQuizMessage(err.message);
  } finally {
    button.disabled = false;
  }
}

function showQuizMessage(text) {
  $("#quiz-card").hidden = true;
  $("#quiz-empty").hidden = false;
  $("#quiz-empty").textContent = text;
}

function renderQuiz() {
  const item = quizItem;
  $("#quiz-empty").hidden = true;
  $("#quiz-card").hidden = false;
  $("#quiz-topic-label").textContent = (item.topic || item.section.split(" > ")[0]) + (item.kind === "mcq" ? " · multiple choice" : " · free text");
  $("#quiz-question").textContent = item.question;
  $("#quiz-hints").replaceChildren();
  $("#quiz-feedback").hidden = true;
  $("#quiz-hint").disabled = false;
  $("#quiz-open button").disabled = false;
  const choices = $("#quiz-choices");
  choices.replaceChildren();
  const mcq = item.kind === "mcq" && item.choices && item.choices.length;
  $("#quiz-open").hidden = Boolean(mcq);
  $("#quiz-keys").hidden = !mcq;
  if (mcq) {
    const several = (item.select || 1) > 1; // "Select TWO": pick them all, then submit
    if (several) $("#quiz-topic-label").textContent += ` · select ${item.select}`;
    item.choices.forEach((text, i) => {
      const letter = String.fromCharCode(65 + i);
      const onclick = several ? () => togglePick(letter) : () => submitAnswer(letter);
      choices.append(el("button", {
        type: "button", class: "choice", "data-letter": letter, onclick,
        ...(several ? { "aria-pressed": "false" } : {}),
      }, el("span", { class: "letter", "aria-hidden": "true" }, letter), el("span", {}, text)));
    });
    if (several) {
      choices.append(el("button", {
        type: "button", class: "primary", id: "quiz-submit-picks", disabled: "",
        onclick: () => submitAnswer(pickedLetters().join(", ")),
      }, `Submit ${item.select} answers`));
    }
    choices.querySelector("button").focus();
  } else {
    $("#quiz-answer").value = "";
    $("#quiz-answer").focus();
  }
}

function pickedLetters() {
  return [...document.querySelectorAll('.choice[aria-pressed="true"]')].map((b) => b.dataset.letter);
}

function togglePick(letter) {
  if (!quizItem || quizDone) return;
  const button = document.querySelector(`.choice[data-letter="${CSS.escape(letter)}"]`);
  button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
  $("#quiz-submit-picks").disabled = pickedLetters().length !== quizItem.select;
}

async function submitAnswer(answer) {
  if (!quizItem || quizDone || !answer.trim()) return;
  const buttons = [...document.querySelectorAll(".choice, #quiz-open button, #quiz-submit-picks")];
  buttons.forEach((b) => (b.disabled = true));
  try {
    const grade = await api(`/v1/quiz/${encodeURIComponent(quizItem.id)}/answer`, { method: "POST", body: { answer } });
    quizDone = true;
    renderGrade(grade, answer);
  } catch (err) {
    buttons.forEach((b) => (b.disabled = false));
    const box = $("#quiz-feedback");
    box.hidden = false;
    box.className = "feedback bad";
    box.replaceChildren(el("p", {}, err.message));
  }
}

function renderGrade(grade, answer) {
  const letters = quizItem.kind === "mcq" ? answer.split(/[,\s]+/).filter(Boolean) : [];
  const keyed = grade.answer_choices || [];
  document.querySelectorAll(".choice").forEach((b) => {
    const text = b.lastChild.textContent.trim();
    const picked = letters.includes(b.dataset.letter);
    if (picked && !grade.correct) b.classList.add("picked");
    if ((grade.correct && picked) || keyed.includes(text) || grade.reference_answer.trim().startsWith(b.dataset.letter + ")")) b.classList.add("right");
  });
  const box = $("#quiz-feedback");
  box.hidden = false;
  box.className = "feedback " + (grade.correct ? "good" : "bad");
  const reread = grade.citations && grade.citations[0];
  const text = el("div", { class: "bubble" });
  renderAnswerText(text, grade.feedback, grade.citations);
  const parts = [
    el("h3", {}, grade.correct ? "✓ Correct" : "✗ Not quite"),
    text,
    grade.correct ? null : el("p", {}, el("strong", {}, "Answer: "), grade.reference_answer),
    el("div", { class: "row" },
      reread
        ? el("button", { type: "button", class: "chip", onclick: () => openSource(reread.chunk_id) }, `Reread: ${grade.section}`)
        : el("span", { class: "muted" }, `Reread: ${grade.section}`),
      el("button", { type: "button", class: "primary", id: "quiz-next", onclick: newQuestion }, "Next question")),
  ];
  box.replaceChildren(...parts.filter(Boolean));
  if (window.decorateGrade) decorateGrade(grade, box); // check.js: self-rating, "I was right", flag
  $("#quiz-hint").disabled = true;
  $("#quiz-next").focus();
}

async function getHint() {
  if (!quizItem || quizDone) return;
  try {
    const hint = await api(`/v1/quiz/${encodeURIComponent(quizItem.id)}/hint`, { method: "POST" });
    $("#quiz-hints").append(el("li", {}, hint.text));
    if (hint.remaining <= 0) $("#quiz-hint").disabled = true;
  } catch (err) {
    $("#quiz-hints").append(el("li", {}, err.message));
  }
}

function setupQuiz() {
  $("#quiz-setup").addEventListener("submit", (e) => { e.preventDefault(); newQuestion(); });
  $("#quiz-open").addEventListener("submit", (e) => { e.preventDefault(); submitAnswer($("#quiz-answer").value); });
  $("#quiz-answer").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("#quiz-open").requestSubmit(); }
  });
  $("#quiz-hint").addEventListener("click", getHint);
  document.addEventListener("keydown", (e) => {
    if ($("#panel-quiz").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
    if (["TEXTAREA", "INPUT", "SELECT"].includes(document.activeElement.tagName)) return;
    if ($("#source-dialog").open || !quizItem || quizDone) return;
    const key = e.key.toUpperCase();
    if (key === "H") { e.preventDefault(); getHint(); return; }
    const n = quizItem.choices ? quizItem.choices.length : 0;
    const index = /^[1-9]$/.test(key) ? Number(key) - 1 : key.length === 1 ? key.charCodeAt(0) - 65 : -1;
    if (quizItem.kind === "mcq" && index >= 0 && index < n) {
      e.preventDefault();
      const letter = String.fromCharCode(65 + index);
      if ((quizItem.select || 1) > 1) togglePick(letter); else submitAnswer(letter);
    }
  });
}

// ---- progress ------------------------------------------------------------------------------------

async function loadProgress() {
  const table = $("#progress-table");
  try {
    const progress = await api(`/v1/progress?session_id=${encodeURIComponent(sessionId())}`);
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const t of progress.topics) {
      const pct = Math.round(t.mastery * 100);
      const level = pct < 40 ? " low" : pct >= 75 ? " high" : "";
      body.append(el("tr", {},
        el("th", { scope: "row" }, t.topic),
        el("td", {}, el("div", { class: "bar", role: "img", "aria-label": `${pct}% mastery` },
          el("div", { class: "track" }, el("div", { class: "fill" + level, style: `width:${pct}%` })),
          el("span", {}, `${pct}%`))),
        el("td", {}, `${t.correct}/${t.attempts}`),
        el("td", {}, String(t.due))));
    }
    table.hidden = !progress.topics.length;
    $("#progress-empty").hidden = Boolean(progress.topics.length);
    $("#progress-weakest").textContent = progress.weakest.length ? `Weakest: ${progress.weakest.join(", ")}` : "";
    const due = $("#due-list");
    due.replaceChildren(...progress.due.map((d) => el("li", {}, el("strong", {}, d.topic), ` · ${d.question}`)));
    $("#due-title").hidden = !progress.due.length;
    document.dispatchEvent(new CustomEvent("tutor:progress", { detail: progress }));
  } catch (err) {
    $("#progress-empty").hidden = false;
    $("#progress-empty").textContent = err.message;
    table.hidden = true;
  }
}

// ---- tabs ----------------------------------------------------------------------------------------

const TABS = ["chat", "quiz", "test", "progress"];
function selectTab(name, { focus = false } = {}) {
  for (const tab of TABS) {
    const selected = tab === name;
    const button = $(`#tab-${tab}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
  if (name === "quiz") loadTopics();
  if (name === "progress") loadProgress();
  if (name === "test") document.dispatchEvent(new CustomEvent("tutor:test-tab"));
  if (name === "chat") $("#question").focus();
  history.replaceState(null, "", name === "chat" ? location.pathname : `#${name}`);
}

function setupTabs() {
  for (const tab of TABS) $(`#tab-${tab}`).addEventListener("click", () => selectTab(tab));
  $(".tabs").addEventListener("keydown", (e) => {
    const current = TABS.findIndex((t) => $(`#tab-${t}`).getAttribute("aria-selected") === "true");
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (step) { e.preventDefault(); selectTab(TABS[(current + step + TABS.length) % TABS.length], { focus: true }); }
  });
  $("#progress-refresh").addEventListener("click", loadProgress);
  $("#source-close").addEventListener("click", () => $("#source-dialog").close());
  $("#source-dialog").addEventListener("click", (e) => { if (e.target === e.currentTarget) e.currentTarget.close(); });
  const start = location.hash.slice(1);
  selectTab(TABS.includes(start) ? start : "chat");
}

setupChat();
setupQuiz();
setupTabs();
