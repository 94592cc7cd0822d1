// The evaluation: the step's questions (scales and free answers), answered
// once, then the anonymous summary when the team reveals it.

import { $, h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { errorBeside } from "../common.js";
import { LIMITS } from "../method.js";
import { currentStep, evaluationSummary } from "../store.js";
import { busy } from "./ui.js";

// The questions, built once per step: answers being chosen are never reset.
function buildEvaluationForm(step) {
  const box = $("#evaluation-questions");
  const questions = step.options.questions ?? [];
  const key = JSON.stringify(questions);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(
    ...questions.map((q) => {
      const name = `evaluation-${q.id}`;
      if (q.kind === "scale") {
        const values = Array.from({ length: q.max - q.min + 1 }, (unused, i) => q.min + i);
        return h(
          "fieldset",
          { class: "p-scale" },
          h("legend", { text: q.text }),
          h("div", { class: "p-scale-choices" }, values.map((v) => h("label", { class: "choice" }, h("input", { type: "radio", name, value: String(v) }), String(v)))),
        );
      }
      return h("div", { class: "stack" }, h("label", { for: name, text: q.text }), h("textarea", { id: name, name, rows: 3, maxlength: LIMITS.body }));
    }),
  );
}

function evaluationAnswers(step) {
  const form = $("#evaluation-form");
  const answers = {};
  for (const q of step.options.questions ?? []) {
    const name = CSS.escape(`evaluation-${q.id}`);
    if (q.kind === "scale") {
      const checked = form.querySelector(`input[name=${name}]:checked`);
      if (checked) answers[q.id] = Number(checked.value);
    } else {
      const text = form.querySelector(`#${name}`).value.trim();
      if (text) answers[q.id] = text;
    }
  }
  return answers;
}

function summaryItem(q) {
  const lang = document.documentElement.lang;
  if (q.kind === "scale") {
    const mean = q.mean === null ? "" : t("mean", { mean: q.mean.toLocaleString(lang, { maximumFractionDigits: 1 }) });
    return h(
      "li",
      { class: "card" },
      h("h4", { text: q.text }),
      h("p", { text: [tn("answers", q.count), mean].filter(Boolean).join(" · ") }),
      h("ul", { class: "p-distribution" }, Object.entries(q.distribution).map(([v, n]) => h("li", { text: tn("distribution", n, { value: v }) }))),
    );
  }
  return h(
    "li",
    { class: "card" },
    h("h4", { text: q.text }),
    h("p", { class: "meta", text: tn("answers", q.count) }),
    h("ul", { class: "p-answers" }, q.answers.map((a) => h("li", { class: "body", text: a }))),
  );
}

export function evaluationScreen(ctx) {
  $("#evaluation-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = evaluationAnswers(currentStep(ctx.connection.state));
    const submit = event.submitter ?? $("#evaluation-form [type=submit]");
    if (!Object.keys(answers).length) return errorBeside(submit, t("evaluation_empty"));
    await busy(submit, () => ctx.run("answer_evaluation", { answers }));
  });

  return {
    section: $("#evaluation"),
    render(state, step, { me, contributes }) {
      const { evaluated } = state.evaluation;
      const summary = evaluationSummary(state);
      const done = evaluated.includes(me);
      $("#evaluation-count").textContent = tn("evaluated", evaluated.length);
      buildEvaluationForm(step);
      show($("#evaluation-form"), contributes && !done && !summary);
      show($("#evaluation-thanks"), done);
      show($("#evaluation-closed"), Boolean(summary) && !done);
      show($("#evaluation-summary"), Boolean(summary));
      $("#evaluation-summary-list").replaceChildren(...(summary ? summary.questions.map(summaryItem) : []));
    },
  };
}
