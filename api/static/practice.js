// Practice tests (setup, the test with navigator/flags/timer, result with chart and review) and
// the Progress page's charts. Uses app.js's helpers ($, el, api, sessionId, selectTab). No CDN.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const LETTER = "ABCDEFGHIJ";
const SELECT_WORDS = { 2: "TWO", 3: "THREE", 4: "FOUR" };
const TIMERS = [["", "No timer"], ["600", "10 minutes"], ["1800", "30 minutes"], ["3900", "65 minutes"], ["7800", "130 minutes (exam)"]];
const FILTERS = ["all", "correct", "incorrect", "skipped", "flagged"];

const pt = { test: null, answers: {}, flagged: new Set(), graded: {}, current: 0, timer: null, result: null, filter: "all", built: false };

const svg = (tag, attrs = {}, ...children) => {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
};
const pct = (x) => `${Math.round(x * 100)}%`;
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.max(0, s) % 60).padStart(2, "0")}`;

// ---- building the panel ----------------------------------------------------------------------

function buildTestPanel() {
  if (pt.built) return;
  pt.built = true;
  const size = el("input", { id: "test-size", type: "number", min: "5", max: "65", value: "20", required: "" });
  const topic = el("select", { id: "test-topic" }, el("option", { value: "" }, "All topics (weighted)"));
  const mode = el("select", { id: "test-mode" },
    el("option", { value: "exam" }, "Exam: feedback at the end"),
    el("option", { value: "practice" }, "Practice: feedback after each answer"));
  const timer = el("select", { id: "test-timer" }, ...TIMERS.map(([v, t]) => el("option", { value: v }, t)));
  const setup = el("form", { id: "test-setup", class: "quiz-setup test-setup" },
    el("label", {}, "Questions", size),
    el("label", {}, "Topic", topic),
    el("label", {}, "Mode", mode),
    el("label", {}, "Timer", timer),
    el("button", { type: "submit", id: "test-start", class: "primary" }, "Start test"));
  setup.addEventListener("submit", (e) => {
    e.preventDefault();
    startTest({ n: Number(size.value), topic: topic.value || null, mode: mode.value, time_limit_s: timer.value ? Number(timer.value) : null });
  });

  const run = el("div", { id: "test-run", hidden: "" },
    el("div", { class: "test-bar" },
      el("span", { id: "test-position", class: "eyebrow" }),
      el("span", { id: "test-clock", class: "test-clock", role: "timer", "aria-live": "off" }),
      el("button", { type: "button", id: "test-submit", class: "primary" }, "Submit test")),
    el("nav", { id: "test-nav", class: "test-nav", "aria-label": "Questions" }),
    el("article", { class: "card quiz-card" },
      el("p", { id: "test-topic-label", class: "eyebrow" }),
      el("h2", { id: "test-question", tabindex: "-1" }),
      el("div", { id: "test-choices", class: "choices", role: "group", "aria-label": "Choices" }),
      el("div", { class: "quiz-actions" },
        el("button", { type: "button", id: "test-prev" }, "← Previous"),
        el("button", { type: "button", id: "test-flag", "aria-pressed": "false" }, "⚑ Flag for review"),
        el("button", { type: "button", id: "test-check", hidden: "" }, "Check answer"),
        el("button", { type: "button", id: "test-next" }, "Next →")),
      el("div", { id: "test-feedback", class: "feedback", role: "status", hidden: "" })));

  const result = el("div", { id: "test-result", hidden: "" },
    el("div", { class: "card result-head" },
      el("p", { class: "eyebrow" }, "Result"),
      el("h2", { id: "test-score" }),
      el("p", { id: "test-verdict" }),
      el("div", { class: "result-actions" },
        el("button", { type: "button", id: "test-retry", class: "primary" }, "Retry the wrong ones"),
        el("button", { type: "button", id: "test-new" }, "New test"))),
    el("h3", {}, "By topic"),
    el("div", { id: "test-chart", class: "chart" }),
    el("h3", {}, "Review"),
    el("div", { id: "test-filters", class: "filters", role: "group", "aria-label": "Show" }),
    el("ol", { id: "test-review", class: "review-list" }));

  const message = el("p", { id: "test-message", class: "muted center" },
    "Choose the size, topic, mode and timer, then start. Exam mode shows the answers after you submit.");
  $("#panel-test").replaceChildren(setup, message, run, result);

  $("#test-prev").addEventListener("click", () => go(pt.current - 1));
  $("#test-next").addEventListener("click", () => go(pt.current + 1));
  $("#test-flag").addEventListener("click", toggleFlag);
  $("#test-check").addEventListener("click", checkMulti);
  $("#test-submit").addEventListener("click", () => submitTest());
  $("#test-retry").addEventListener("click", retryTest);
  $("#test-new").addEventListener("click", showSetup);
  loadTestTopics(topic);
}

async function loadTestTopics(select) {
  try {
    const { quiz_topics: topics } = await api("/v1/topics");
    for (const t of topics) select.append(el("option", { value: t }, t));
  } catch { /* the banner says why; "All topics" still works */ }
}

function view(name) {
  $("#test-setup").hidden = name === "run";
  $("#test-message").hidden = name !== "setup";
  $("#test-run").hidden = name !== "run";
  $("#test-result").hidden = name !== "result";
}

function showSetup() {
  stopTimer();
  view("setup");
}

// ---- taking a test -------------------------------------------------------------------------------

async function startTest(options) {
  const button = $("#test-start");
  button.disabled = true;
  try {
    const test = await api("/v1/tests", { method: "POST", body: { session_id: sessionId(), ...options } });
    begin(test);
  } catch (err) {
    $("#test-message").hidden = false;
    $("#test-message").textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

function begin(test) {
  Object.assign(pt, { test, answers: {}, flagged: new Set(), graded: {}, current: 0, result: null, filter: "all" });
  view("run");
  startTimer();
  renderNav();
  go(0);
}

function startTimer() {
  stopTimer();
  const box = $("#test-clock");
  if (!pt.test.deadline) { box.textContent = ""; return; }
  const deadline = Date.parse(pt.test.deadline);
  const tick = () => {
    const left = Math.round((deadline - Date.now()) / 1000);
    box.textContent = `⏱ ${clock(left)}`;
    box.classList.toggle("low", left < 60);
    if (left <= 0) { stopTimer(); submitTest({ timeUp: true }); }
  };
  tick();
  pt.timer = setInterval(tick, 1000);
}

function stopTimer() {
  if (pt.timer) clearInterval(pt.timer);
  pt.timer = null;
}

function renderNav() {
  const nav = $("#test-nav");
  nav.replaceChildren(...pt.test.items.map((item, i) => {
    const answered = pt.answers[item.id] !== undefined;
    const classes = ["nav-item", answered ? "answered" : "", pt.flagged.has(item.id) ? "flagged" : "", i === pt.current ? "current" : ""];
    const graded = pt.graded[item.id];
    if (graded) classes.push(graded.correct ? "right" : "wrong");
    const label = `Question ${i + 1}${answered ? ", answered" : ""}${pt.flagged.has(item.id) ? ", flagged" : ""}`;
    return el("button", { type: "button", class: classes.join(" "), "aria-label": label, "aria-current": i === pt.current ? "step" : null, onclick: () => go(i) }, String(i + 1));
  }));
  const done = Object.keys(pt.answers).length;
  $("#test-position").textContent = `Question ${pt.current + 1} of ${pt.test.items.length} · ${done} answered · ${pt.flagged.size} flagged`;
}

function go(index) {
  const items = pt.test.items;
  pt.current = Math.max(0, Math.min(items.length - 1, index));
  const item = items[pt.current];
  const multi = item.select > 1;
  $("#test-topic-label").textContent = `${pt.test.mode === "exam" ? "Exam" : "Practice"} · ${item.topic || item.section}`;
  $("#test-question").textContent = item.question + (multi ? ` (Select ${SELECT_WORDS[item.select] || item.select}.)` : "");
  const chosen = new Set(letters(pt.answers[item.id]));
  const graded = pt.graded[item.id];
  const choices = $("#test-choices");
  choices.setAttribute("role", multi ? "group" : "radiogroup");
  choices.replaceChildren(...item.choices.map((text, i) => {
    const letter = LETTER[i];
    const on = chosen.has(letter);
    const button = el("button", {
      type: "button", class: "choice" + (on ? " chosen" : ""), "data-letter": letter,
      role: multi ? "checkbox" : "radio", "aria-checked": String(on),
    }, el("span", { class: "letter" }, letter), el("span", {}, text));
    if (graded) {
      button.disabled = true;
      if (graded.answerLetters.includes(letter)) button.classList.add("right");
      else if (on) button.classList.add("wrong");
    } else {
      button.addEventListener("click", () => choose(item, letter));
    }
    return button;
  }));
  $("#test-flag").setAttribute("aria-pressed", String(pt.flagged.has(item.id)));
  $("#test-flag").classList.toggle("on", pt.flagged.has(item.id));
  $("#test-check").hidden = !(multi && pt.test.mode === "practice" && !graded);
  $("#test-prev").disabled = pt.current === 0;
  $("#test-next").disabled = pt.current === items.length - 1;
  showFeedback(graded);
  renderNav();
  $("#test-question").focus();
}

function letters(answer) {
  if (!answer) return [];
  return Array.isArray(answer) ? answer : answer.split(/[\s,]+/).filter(Boolean);
}

async function choose(item, letter) {
  if (item.select > 1) {
    const set = new Set(letters(pt.answers[item.id]));
    set.has(letter) ? set.delete(letter) : set.add(letter);
    const picked = [...set].sort();
    if (picked.length) pt.answers[item.id] = picked; else delete pt.answers[item.id];
    go(pt.current);
    if (pt.test.mode === "exam" && picked.length) save(item, picked);
    return;
  }
  pt.answers[item.id] = letter;
  go(pt.current);
  if (pt.test.mode === "exam") save(item, letter);
  else await grade(item, letter);
}

async function save(item, answer) {
  try {
    await api(`/v1/tests/${pt.test.id}/answer`, { method: "POST", body: { quiz_id: item.id, answer } });
  } catch (err) {
    if (err.status === 409) return submitTest({ timeUp: true });  // the time ran out on the server
  }
}

async function checkMulti() {
  const item = pt.test.items[pt.current];
  const picked = letters(pt.answers[item.id]);
  if (!picked.length) return;
  await grade(item, picked);
}

async function grade(item, answer) {
  try {
    const out = await api(`/v1/tests/${pt.test.id}/answer`, { method: "POST", body: { quiz_id: item.id, answer } });
    pt.graded[item.id] = { ...out.grade, answerLetters: out.answer_letters };
    if (pt.test.items[pt.current].id === item.id) go(pt.current);
  } catch (err) {
    if (err.status === 409) return submitTest({ timeUp: true });
    showFeedback({ error: err.message });
  }
}

function showFeedback(graded) {
  const box = $("#test-feedback");
  if (!graded) { box.hidden = true; return; }
  box.hidden = false;
  if (graded.error) { box.className = "feedback bad"; box.textContent = graded.error; return; }
  box.className = "feedback " + (graded.correct ? "good" : "bad");
  box.replaceChildren(
    el("strong", {}, graded.correct ? "Correct. " : "Not quite. "),
    el("span", {}, graded.feedback),
    graded.explanation ? el("p", { class: "explanation" }, graded.explanation) : null);
}

async function toggleFlag() {
  const item = pt.test.items[pt.current];
  const on = !pt.flagged.has(item.id);
  on ? pt.flagged.add(item.id) : pt.flagged.delete(item.id);
  go(pt.current);
  try {
    await api(`/v1/tests/${pt.test.id}/flag`, { method: "POST", body: { quiz_id: item.id, flagged: on } });
  } catch { /* kept locally; sent again with the submit */ }
}

async function submitTest({ timeUp = false } = {}) {
  if (!pt.test || pt.result) return;
  const left = pt.test.items.length - Object.keys(pt.answers).length;
  if (!timeUp && left && !confirm(`${left} question${left > 1 ? "s are" : " is"} unanswered and will count as wrong. Submit anyway?`)) return;
  stopTimer();
  try {
    pt.result = await api(`/v1/tests/${pt.test.id}/submit`, {
      // every item: "" clears an answer saved earlier (a "Select TWO" item unticked again)
      method: "POST", body: { answers: Object.fromEntries(pt.test.items.map((i) => [i.id, pt.answers[i.id] ?? ""])), flagged: [...pt.flagged] },
    });
  } catch (err) {
    if (err.status !== 409) { showFeedback({ error: err.message }); return; }
    pt.result = (await api(`/v1/tests/${pt.test.id}`)).result;  // already scored (the time ran out)
  }
  showResult();
}

// ---- the result ------------------------------------------------------------------------------------

function showResult() {
  const r = pt.result;
  view("result");
  $("#test-score").textContent = `${pct(r.score)} · ${r.correct} of ${r.total} right`;
  const verdict = $("#test-verdict");
  verdict.className = r.passed ? "verdict pass" : "verdict fail";
  verdict.textContent = `${r.passed ? "Passed" : "Not passed"}: the pass mark is ${pct(r.pass_mark)}.${r.timed_out ? " The time ran out; answers after it were not counted." : ""}`;
  const wrong = r.review.filter((e) => !e.correct).length;
  $("#test-retry").hidden = !wrong;
  $("#test-retry").textContent = `Retry the wrong ones (${wrong})`;
  $("#test-chart").replaceChildren(topicChart(r.by_topic, r.pass_mark));
  renderFilters();
  renderReview();
  $("#test-score").scrollIntoView({ block: "start" });
}

function topicChart(rows, passMark) {
  const barH = 22, gap = 8, labelW = 190, chartW = 420, width = labelW + chartW + 70;
  const height = rows.length * (barH + gap) + 24;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "bar-chart", "aria-label": "Score per topic" });
  rows.forEach((row, i) => {
    const y = i * (barH + gap);
    const share = row.total ? row.correct / row.total : 0;
    chart.append(
      svg("text", { x: labelW - 8, y: y + barH * 0.7, "text-anchor": "end", class: "chart-label" }, row.topic),
      svg("rect", { x: labelW, y, width: chartW, height: barH, rx: 4, class: "chart-track" }),
      svg("rect", { x: labelW, y, width: Math.max(2, chartW * share), height: barH, rx: 4, class: share >= passMark ? "chart-bar good" : "chart-bar bad" }),
      svg("text", { x: labelW + chartW + 8, y: y + barH * 0.7, class: "chart-label" }, `${row.correct}/${row.total}`));
  });
  const x = labelW + chartW * passMark;
  chart.append(
    svg("line", { x1: x, x2: x, y1: 0, y2: height - 18, class: "chart-mark" }),
    svg("text", { x, y: height - 4, "text-anchor": "middle", class: "chart-label" }, `pass mark ${pct(passMark)}`));
  return chart;
}

const KEEP = {
  all: () => true,
  correct: (e) => e.correct,
  incorrect: (e) => !e.correct && e.your_answer,
  skipped: (e) => !e.your_answer,
  flagged: (e) => e.flagged,
};

function renderFilters() {
  const review = pt.result.review;
  $("#test-filters").replaceChildren(...FILTERS.map((f) => el("button", {
    type: "button", class: "chip filter" + (pt.filter === f ? " on" : ""), "data-filter": f,
    "aria-pressed": String(pt.filter === f), onclick: () => { pt.filter = f; renderFilters(); renderReview(); },
  }, `${f[0].toUpperCase()}${f.slice(1)} (${review.filter(KEEP[f]).length})`)));
}

function renderReview() {
  const list = $("#test-review");
  const entries = pt.result.review.map((e, i) => [e, i]).filter(([e]) => KEEP[pt.filter](e));
  list.replaceChildren(...entries.map(([e, i]) => {
    const mine = new Set(letters(e.your_answer));
    const status = e.correct ? "correct" : e.your_answer ? "incorrect" : "skipped";
    return el("li", { class: `review-item ${status}`, value: String(i + 1) },
      el("p", { class: "eyebrow" }, `${e.topic} · ${status}${e.flagged ? " · ⚑ flagged" : ""}`),
      el("p", { class: "review-question" }, e.question),
      el("ul", { class: "review-choices" }, ...e.choices.map((c, j) => {
        const letter = LETTER[j];
        const cls = e.answer_letters.includes(letter) ? "right" : mine.has(letter) ? "wrong" : "";
        const tag = e.answer_letters.includes(letter) ? " ✓" : mine.has(letter) ? " ✗ your answer" : "";
        return el("li", { class: cls }, `${letter}) ${c}${tag}`);
      })),
      el("p", { class: "muted" }, `Your answer: ${e.your_answer || "skipped"} · correct: ${e.answer_letters.join(", ")}`),
      el("p", {}, e.feedback),
      e.explanation ? el("p", { class: "explanation" }, e.explanation) : null);
  }));
  if (!entries.length) list.append(el("li", { class: "muted" }, "Nothing here."));
}

async function retryTest() {
  const button = $("#test-retry");
  button.disabled = true;
  try {
    begin(await api(`/v1/tests/${pt.result.id}/retry`, { method: "POST" }));
  } catch (err) {
    $("#test-verdict").textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

async function testOnTopic(topic) {
  selectTab("test");
  buildTestPanel();
  $("#test-topic").value = topic;
  await startTest({ n: 10, topic, mode: "practice", time_limit_s: null });
}

// ---- the Progress page: mastery over time, test history, weakest topics with a test ----------------

function masteryChart(history) {
  const topics = [...new Set(history.flatMap((d) => Object.keys(d.mastery)))];
  const last = history[history.length - 1].mastery;
  topics.sort((a, b) => (last[a] ?? 0) - (last[b] ?? 0));
  const shown = topics.slice(0, 6);  // the weakest six keep the chart readable
  const w = 640, h = 220, left = 40, bottom = 28, top = 10;
  const plotW = w - left - 150, plotH = h - top - bottom;
  const xs = (i) => left + (history.length === 1 ? plotW / 2 : (plotW * i) / (history.length - 1));
  const ys = (m) => top + plotH * (1 - m);
  const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, width: "100%", role: "img", class: "line-chart", "aria-label": "Mastery per topic over time" });
  for (const m of [0, 0.5, 1]) {
    chart.append(svg("line", { x1: left, x2: left + plotW, y1: ys(m), y2: ys(m), class: "chart-grid" }),
      svg("text", { x: left - 6, y: ys(m) + 4, "text-anchor": "end", class: "chart-label" }, pct(m)));
  }
  chart.append(svg("text", { x: left, y: h - 6, class: "chart-label" }, history[0].date),
    svg("text", { x: left + plotW, y: h - 6, "text-anchor": "end", class: "chart-label" }, history[history.length - 1].date));
  shown.forEach((topic, k) => {
    const points = history.map((d, i) => [i, d.mastery[topic]]).filter(([, m]) => m !== undefined);
    const path = points.map(([i, m]) => `${xs(i)},${ys(m)}`).join(" ");
    chart.append(svg("polyline", { points: path, class: `chart-line c${k}` }),
      ...points.map(([i, m]) => svg("circle", { cx: xs(i), cy: ys(m), r: 3, class: `chart-dot c${k}` })),
      svg("text", { x: left + plotW + 10, y: top + 14 + k * 18, class: `chart-label legend c${k}` }, `■ ${topic}`));
  });
  return chart;
}

function renderProgressExtra(progress) {
  const box = $("#progress-extra");
  const parts = [];
  if (progress.history.length) {
    parts.push(el("h3", {}, "Mastery over time"), el("div", { class: "chart", id: "mastery-chart" }, masteryChart(progress.history)));
  }
  if (progress.weakest.length) {
    parts.push(el("h3", {}, "Weakest topics"), el("ul", { class: "weak-list" }, ...progress.weakest.slice(0, 6).map((t) =>
      el("li", {}, el("span", {}, t), el("button", { type: "button", class: "chip", onclick: () => testOnTopic(t) }, `Test me on ${t}`)))));
  }
  if (progress.tests.length) {
    parts.push(el("h3", {}, "Practice tests"), el("table", { class: "progress-table tests-table" },
      el("thead", {}, el("tr", {}, ...["Date", "Mode", "Score", "Result"].map((c) => el("th", { scope: "col" }, c)))),
      el("tbody", {}, ...progress.tests.map((t) => el("tr", {},
        el("td", {}, new Date(t.date).toLocaleString()),
        el("td", {}, t.topic ? `${t.mode} · ${t.topic}` : t.mode),
        el("td", {}, `${pct(t.score)} (${t.correct}/${t.total})`),
        el("td", { class: t.passed ? "pass" : "fail" }, t.passed ? "Passed" : "Not passed"))))));
  }
  box.replaceChildren(...parts);
}

document.addEventListener("tutor:test-tab", buildTestPanel);
document.addEventListener("tutor:progress", (e) => renderProgressExtra(e.detail));
if (location.hash === "#test") buildTestPanel();
