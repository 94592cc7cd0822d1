// A tour de table: the speaking order and timer (round.js), one's turn to
// speak or pass, one's own interpretation (or presentation, before any récit)
// with the earlier rounds' interpretations it may answer, and the others'.

import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t } from "../i18n.js";
import { announce, authorLabel } from "../common.js";
import { renderRound } from "../round.js";
import { byTime, contributionsHere, currentRound, isRevealedHere, speakerOf } from "../store.js";
import { busy, contributionForm, contributionItem, ownActions, syncChoices } from "./ui.js";

function deferredMark(c) {
  return c.deferred_from === null || c.deferred_from === undefined ? null : h("p", { class: "meta", text: t("deferred") });
}

export function roundScreen(ctx) {
  const form = contributionForm(ctx, "#interpretation-form");
  let wasMyTurn = false;

  async function endTurn(button, outcome) {
    await busy(button, () => ctx.run("end_turn", { speaker: ctx.connection.state.me.participant_id, outcome }));
  }

  $("#turn-done").addEventListener("click", (e) => endTurn(e.currentTarget, "spoke"));
  $("#turn-pass").addEventListener("click", (e) => endTurn(e.currentTarget, "passed"));

  return {
    section: $("#round"),
    render(state, step, { me, contributes }) {
      renderRound($("#round-widget"), state, { now: ctx.connection.now(), me });
      const round = currentRound(state);
      const myTurn = speakerOf(round) === me;
      show($("#my-turn"), myTurn);
      if (myTurn && !wasMyTurn) {
        $("#my-turn").scrollIntoView({ block: "center" }); // the turn comes: in view, and said
        announce(t("your_turn"));
      }
      wasMyTurn = myTurn;
      $("#turn-pass-hint").textContent = t(round?.passed_once.includes(me) ? "pass_again_hint" : "pass_hint");

      const presentation = state.session.recit_index === null;
      const all = contributionsHere(state, "interpretation");
      const mine = all.filter((c) => c.author_id === me);
      const others = all.filter((c) => c.author_id !== me);
      show($("#round-hidden"), contributes && step.visibility === "hidden" && !isRevealedHere(state));
      $("#interpretation-label").textContent = t(presentation ? "presentation_label" : "interpretation_label");
      show($("#my-interpretation"), mine.length > 0);
      replaceKeepingFocus(
        $("#my-interpretation-list"),
        mine.map((c) => contributionItem(state, c, { extra: deferredMark(c), actions: ownActions(state, c, form) })),
      );
      show(form.form, contributes && (mine.length === 0 || form.editing !== null));

      // A later round of a récit may answer the interpretations of its earlier rounds.
      const { step_index: index, recit_index: recit } = state.session;
      const earlier = presentation
        ? []
        : Object.values(state.contributions)
            .filter((c) => c.kind === "interpretation" && (c.recit ?? null) === recit && c.step_index < index)
            .sort(byTime);
      show($("#replies"), earlier.length > 0);
      syncChoices(
        $("#replies-choices"),
        "checkbox",
        "replies_to",
        earlier.map((c) => ({ value: c.contribution_id, label: authorLabel(state, c), detail: c.body })),
      );

      show($("#interpretations"), others.length > 0);
      $("#interpretations-heading").textContent = t(presentation ? "presentations_heading" : "interpretations_heading");
      $("#interpretations-list").replaceChildren(...others.map((c) => contributionItem(state, c, { extra: deferredMark(c) })));
    },
    // Every second, while the round is on screen: the speaker's timer.
    tick(state) {
      if (!$("#round").hidden) renderRound($("#round-widget"), state, { now: ctx.connection.now(), me: state.me.participant_id });
    },
    leave() {
      if (form.editing) form.reset();
      show($("#my-turn"), false); // it stands above the step, outside the round's section
      wasMyTurn = false;
    },
  };
}
