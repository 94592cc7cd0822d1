// The evaluation: how many have answered (never who answered what), answers
// typed for a participant, the reveal, then the anonymous summary.

import { evaluationSummary } from "../store.js";
import { h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { button, card, entryForm, onBehalf, pseudonym, renderList } from "./ui.js";

function field(q) {
  if (q.kind !== "scale") return { name: q.id, label: q.text, required: false };
  const values = Array.from({ length: q.max - q.min + 1 }, (_, i) => String(q.min + i));
  return {
    name: q.id,
    type: "select",
    label: t("console_scale_question", { text: q.text, min: q.min, max: q.max }),
    options: [{ value: "", label: t("console_no_answer") }, ...values.map((value) => ({ value, label: value }))],
    required: false,
  };
}

function summaryItem(q) {
  const counts = [tn("console_answers", q.count)];
  if (q.kind === "scale" && q.mean !== null) {
    const mean = q.mean.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
    counts.push(t("mean", { mean }));
  }
  const value = ([value, n]) => h("li", {}, t("console_distribution", { value, count: n }));
  const detail =
    q.kind === "scale"
      ? h("ul", { class: "console-distribution" }, Object.entries(q.distribution).map(value))
      : h("ul", {}, q.answers.map((answer) => h("li", { class: "body", text: answer })));
  const heading = h("h3", { text: q.text });
  return h("li", { class: "card" }, heading, h("p", { class: "meta", text: counts.join(" · ") }), detail);
}

export function evaluationPanel(ctx, step) {
  const { questions } = step.options;
  const count = h("p", { class: "lead" });
  const reveal = button(t("console_reveal_summary"), () => ctx.run("reveal"));
  const forWhom = h("p", { class: "console-for" });
  const form = entryForm({
    title: t("console_evaluation_form"),
    fields: questions.map(field),
    submit: t("console_save_answers"),
    send: (values) => {
      const answers = {};
      for (const q of questions) {
        if (values[q.id] !== "") answers[q.id] = q.kind === "scale" ? Number(values[q.id]) : values[q.id];
      }
      return ctx.run("answer_evaluation", { answers, ...onBehalf(ctx.behalf()) });
    },
  });
  const respondents = h("p", { class: "meta" });
  const summary = h("ol", { class: "cards", "aria-label": t("console_summary") });
  const summaryCard = card(t("console_summary"), respondents, summary);
  const anonymous = h("p", { class: "meta", text: t("console_evaluation_anonymous") });

  return {
    el: h(
      "div",
      {},
      card(t("console_evaluation"), count, anonymous, h("div", { class: "actions" }, reveal), forWhom, form.el),
      summaryCard,
    ),
    render(state) {
      const { evaluated } = state.evaluation;
      const result = evaluationSummary(state);
      count.textContent = tn("evaluated", evaluated.length);
      show(reveal, ctx.steering() && !result);
      const who = ctx.behalf();
      const canAnswer = Boolean(who) && !result && !evaluated.includes(who);
      show(form.el, canAnswer);
      const name = { pseudonym: pseudonym(state, who) };
      if (result) forWhom.textContent = "";
      else if (!who) forWhom.textContent = t("console_evaluation_choose_person");
      else forWhom.textContent = t(canAnswer ? "console_answers_for" : "console_already_answered", name);
      show(summaryCard, Boolean(result));
      if (!result) return;
      respondents.textContent = tn("evaluated", result.respondents);
      renderList(
        summary,
        result.questions.map((q) => ({ key: q.id, ...q })),
        summaryItem,
      );
    },
  };
}
