// Where the narrator speaks: what they alone write at the stakes and the
// reactions (the narration itself is in the rapporteur's notes), and the
// information questions: the queue, raised hands, the narrator's answers,
// and questions deferred to the round.

import { newId } from "../connection.js";
import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t } from "../i18n.js";
import { answerBlock, answerForm, answerOf, excerpt } from "../common.js";
import { CONTRIBUTION_KINDS, NARRATOR_KINDS } from "../method.js";
import { byTime, contributionsHere } from "../store.js";
import { busy, contributionForm, contributionItem, ownActions } from "./ui.js";

// Steps where the narrator alone speaks: what they write there.
const NARRATOR_WRITES = Object.fromEntries(
  Object.entries(CONTRIBUTION_KINDS).filter(([, kind]) => NARRATOR_KINDS.has(kind)),
);

// Narration, stakes and reactions share one section.
export function narratorScreen(ctx) {
  const form = contributionForm(ctx, "#narrator-form");
  return {
    section: $("#narrator-step"),
    render(state, step, { isNarrator }) {
      const kind = NARRATOR_WRITES[step.kind];
      show($("#narrator-step"), Boolean(kind)); // the narration itself: the notes say it all
      if (!kind) return;
      const items = contributionsHere(state, kind);
      $("#narrator-step-heading").textContent = t(`kind_${kind}`);
      $("#narrator-label").textContent = t(`${kind}_label`);
      show($("#narrator-empty"), items.length === 0 && !isNarrator);
      replaceKeepingFocus($("#narrator-list"), items.map((c) => contributionItem(state, c, { actions: ownActions(state, c, form) })));
      show(form.form, isNarrator);
    },
    leave() {
      if (form.editing) form.reset();
    },
  };
}

export function questionsScreen(ctx) {
  const form = contributionForm(ctx, "#question-form");

  // The narrator takes back an answer (and may give another one).
  function withdrawButton(c) {
    const text = excerpt(c.body, 40);
    return h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${c.contribution_id}`, "aria-label": t("withdraw_contribution_named", { text }), onclick: () => form.withdraw(c.contribution_id) }, t("withdraw"));
  }

  $("#raise-hand").addEventListener("click", (e) => busy(e.currentTarget, () => ctx.run("raise_hand", { contribution_id: newId() })));

  return {
    section: $("#questions"),
    render(state, step, { me, isNarrator, contributes }) {
      const mayAsk = contributes && !isNarrator;
      show(form.form, mayAsk);
      show($("#hand"), mayAsk);
      const { step_index: index, recit_index: recit } = state.session;
      // A question deferred to the round leaves the queue; it stays noted here.
      const deferred = Object.values(state.contributions).filter((c) => c.deferred_from === index && (c.recit ?? null) === recit);
      const questions = [...contributionsHere(state, "question"), ...deferred].sort(byTime);
      show($("#questions-empty"), questions.length === 0);
      replaceKeepingFocus(
        $("#questions-list"),
        questions.map((c) => {
          const isDeferred = c.kind !== "question";
          const status = isDeferred ? "deferred" : c.status;
          const answer = isDeferred ? null : answerOf(state, c);
          const mayAnswer = isNarrator && !isDeferred && !answer;
          return contributionItem(state, c, {
            cls: `p-question p-${status}`,
            current: status === "current",
            badge: isDeferred ? t("deferred") : t(`question_${status}`),
            extra: [
              c.is_hand ? h("p", { class: "p-hand", text: t("raised_hand") }) : null,
              answer ? answerBlock(state, answer) : null,
              answer && answer.author_id === me ? h("div", { class: "actions" }, withdrawButton(answer)) : null,
              mayAnswer ? answerForm(ctx.connection, c, (text) => t("answer_label", { text })) : null,
            ],
            actions: c.author_id === me && status === "queued" ? ownActions(state, c, form) : [],
          });
        }),
      );
    },
    leave() {
      if (form.editing) form.reset();
    },
  };
}
