// Check my answer (POST /v1/check), and what a learner can say about a graded quiz:
// self-rating after "unsure" (again / hard / good / easy, as in Anki), "I was right", and flags.
// Loaded after app.js and uses its helpers ($, el, api, sessionId, renderAnswerText, quizItem).
"use strict";

const RATINGS = [
  ["again", "Again", "Wrong, or only partly right"],
  ["hard", "Hard", "Right, with effort"],
  ["good", "Good", "Right"],
  ["easy", "Easy", "Right, without thinking"],
];
const VERDICTS = { correct: "✓ Correct", incorrect: "✗ Not quite", unsure: "? Not sure: compare and rate yourself" };

function keyPoints(points) {
  if (!points || !points.length) return null;
  return el("div", { class: "key-points" },
    el("p", {}, el("strong", {}, "The notes' key points:")),
    el("ul", {}, ...points.map((p) => el("li", {}, p))));
}

async function relabel(quizId, path, body, box) {
  const status = box.querySelector(".grade-status");
  box.querySelectorAll(".rate button, .override").forEach((b) => { b.disabled = true; });
  try {
    const grade = await api(`/v1/quiz/${encodeURIComponent(quizId)}/${path}`, { method: "POST", body });
    box.className = "feedback " + (grade.correct ? "good" : "bad");
    box.querySelector("h3").textContent = grade.overridden
      ? (grade.correct ? "✓ Marked right by you" : "✗ Marked wrong by you")
      : VERDICTS[grade.verdict];
    const due = grade.next_review ? new Date(grade.next_review).toLocaleString() : "later";
    status.textContent = (grade.rating ? `You rated it “${grade.rating}”. ` : "Recorded. ") + `Next review: ${due}.`;
  } catch (err) {
    status.textContent = err.message;
    box.querySelectorAll(".rate button, .override").forEach((b) => { b.disabled = false; });
  }
}

function rateButtons(quizId, box) {
  return el("div", { class: "rate", role: "group", "aria-label": "Rate your answer" },
    ...RATINGS.map(([value, label, help]) => el("button", {
      type: "button", class: "chip", "data-rating": value, title: help,
      onclick: () => relabel(quizId, "rate", { rating: value }, box),
    }, label)));
}

function flagForm(quizId) {
  const reason = el("input", { type: "text", id: "quiz-flag-reason", maxlength: "1000", placeholder: "What is wrong with it? (optional)" });
  const form = el("form", { class: "flag-form", hidden: "" },
    el("label", { for: "quiz-flag-reason", class: "sr-only" }, "Why flag it"), reason,
    el("button", { type: "submit", id: "quiz-flag-send" }, "Send flag"));
  const open = el("button", { type: "button", class: "link", id: "quiz-flag", onclick: () => { open.hidden = true; form.hidden = false; reason.focus(); } }, "Flag this question");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const send = form.querySelector("button");
    send.disabled = true;
    try {
      await api(`/v1/quiz/${encodeURIComponent(quizId)}/flag`, { method: "POST", body: { reason: reason.value } });
      form.replaceChildren(el("span", { class: "muted", id: "quiz-flagged" }, "Flagged: you won't get this question again."));
    } catch (err) {
      send.disabled = false;
      form.append(el("span", { class: "muted" }, err.message));
    }
  });
  return el("div", { class: "flag" }, open, form);
}

// Called by app.js's renderGrade with the grade and its feedback box.
function decorateGrade(grade, box) {
  const quizId = grade.quiz_id;
  box.querySelector("h3").textContent = VERDICTS[grade.verdict] || box.querySelector("h3").textContent;
  const extra = [];
  if (grade.verdict === "unsure") {
    box.className = "feedback unsure";
    extra.push(keyPoints(grade.key_points));
    extra.push(el("p", { class: "muted" }, "How did you do? A partly right answer is “Again”."));
    extra.push(rateButtons(quizId, box));
  } else if (grade.verdict === "incorrect") {
    extra.push(el("button", {
      type: "button", class: "chip override", id: "quiz-override",
      onclick: () => relabel(quizId, "override", { correct: true }, box),
    }, "I was right"));
  }
  extra.push(el("p", { class: "grade-status muted", role: "status" }));
  extra.push(flagForm(quizId));
  const row = box.querySelector(".row");
  for (const node of extra.filter(Boolean)) box.insertBefore(node, row);
}

// ---- check my answer -----------------------------------------------------------------------------

async function checkAnswer(event) {
  event.preventDefault();
  const question = $("#check-question").value.trim();
  const answer = $("#check-answer").value;
  const out = $("#check-result");
  if (!question) { $("#check-question").focus(); return; }
  const button = $("#check-form button[type=submit]");
  button.disabled = true;
  out.hidden = false;
  out.className = "feedback";
  out.replaceChildren(el("p", { class: "muted" }, "Checking against your notes…"));
  try {
    const result = await api("/v1/check", { method: "POST", body: { question, answer, session_id: sessionId() } });
    out.className = "feedback " + ({ correct: "good", incorrect: "bad", unsure: "unsure" }[result.verdict]);
    const why = el("div", { class: "bubble" });
    renderAnswerText(why, result.feedback, result.citations);
    const said = result.reference_answer ? el("div", { class: "bubble" }) : null;
    if (said) renderAnswerText(said, result.reference_answer, result.citations);
    out.replaceChildren(...[
      el("h3", { id: "check-verdict", "data-verdict": result.verdict }, VERDICTS[result.verdict].replace(": compare and rate yourself", "")),
      why,
      said ? el("p", {}, el("strong", {}, "The notes say:")) : null,
      said,
      result.verdict === "unsure" ? keyPoints(result.key_points) : null,
      result.nearest_topics && result.nearest_topics.length
        ? el("p", { class: "muted" }, `Nearest topics: ${result.nearest_topics.join(", ")}`) : null,
    ].filter(Boolean));
  } catch (err) {
    out.className = "feedback bad";
    out.replaceChildren(el("p", {}, err.message));
  } finally {
    button.disabled = false;
  }
}

$("#check-form").addEventListener("submit", checkAnswer);
