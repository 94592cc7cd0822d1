// A tour de table: the speaking order and timer (round.js), the animateur's
// controls, what was said in this round (the team sees hidden contributions,
// marked as such), the reveal, and an interpretation typed for a participant.
// The presentation round, before any récit, takes short presentations instead.

import { h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { renderRound } from "../round.js";
import { contributionsHere, currentRound, isRevealedHere, speakerOf } from "../store.js";
import {
  button,
  card,
  contributionSender,
  entryActions,
  entryData,
  entryForm,
  entryItem,
  excerpt,
  pseudonym,
  renderList,
} from "./ui.js";

function replyLabel(state, c) {
  return t("console_reply_label", { pseudonym: pseudonym(state, c.author_id), text: excerpt(c.body) });
}

export function roundPanel(ctx, step) {
  const presentation = !step.per_recit;
  const run = (name, args) => () => ctx.run(name, args);
  const endTurn = (outcome) => () =>
    ctx.run("end_turn", { speaker: speakerOf(currentRound(ctx.connection.state)), outcome });
  const extend = (minutes) =>
    button(t("console_extend", { minutes }), run("extend_timer", { minutes }), {
      name: t("console_extend_named", { minutes }),
      secondary: true,
    });
  const widget = h("div", { class: "console-round" });
  const start = button(t("console_start_round"), run("start_round"));
  const spoke = button(t("console_next_turn"), endTurn("spoke"));
  const passed = button(t("console_passed"), endTurn("passed"), { secondary: true });
  const pause = button(t("console_pause"), run("pause_timer"), { secondary: true });
  const resume = button(t("console_resume"), run("resume_timer"), { secondary: true });
  const turnControls = [spoke, passed, pause, resume, extend(1), extend(2)];
  const controls = h("div", { class: "actions console-round-controls" }, start, turnControls);
  const hiddenCount = h("p", { class: "meta" });
  const nothing = h("p", { class: "meta", text: t("console_nothing_yet") });
  const reveal = button(t("console_reveal"), run("reveal"));

  const form = entryForm({
    title: t(presentation ? "console_presentation_form" : "console_interpretation_form"),
    fields: [
      { name: "body", label: t(presentation ? "console_presentation_label" : "console_interpretation_label"), rows: 4 },
      { name: "replies_to", type: "checks", label: t("in_reply_to"), required: false },
    ],
    submit: t("console_save_entry"),
    send: contributionSender(ctx),
  });
  const listName = t(presentation ? "console_presentations" : "console_interpretations");
  const list = h("ul", { class: "cards console-list", "aria-label": listName });

  function item({ c }, state) {
    const replies = c.replies_to.map((id) => state.contributions[id]).filter(Boolean);
    const repliesText = t("console_replies", { items: replies.map((r) => replyLabel(state, r)).join(" · ") });
    return entryItem(
      c,
      state,
      c.deferred_from === null || c.deferred_from === undefined ? null : h("p", { class: "meta", text: t("deferred") }),
      replies.length ? h("p", { class: "meta", text: repliesText }) : null,
      entryActions(ctx, c, form, { body: c.body, replies_to: c.replies_to }),
    );
  }

  return {
    el: h(
      "div",
      {},
      card(t("console_round"), widget, controls),
      card(listName, hiddenCount, h("div", { class: "actions" }, reveal), nothing, list),
      card(t(presentation ? "console_presentation_form" : "console_interpretation_form"), form.el),
    ),
    tick(state, now) {
      renderRound(widget, state, { now, me: state.me.participant_id ?? null });
    },
    render(state, _step, now) {
      this.tick(state, now);
      const round = currentRound(state);
      const running = Boolean(speakerOf(round));
      show(controls, ctx.steering());
      show(start, !running);
      turnControls.forEach((el) => show(el, running));
      if (running) {
        show(pause, !round.paused_at);
        show(resume, Boolean(round.paused_at));
        const name = pseudonym(state, speakerOf(round));
        spoke.setAttribute("aria-label", t("console_next_turn_named", { pseudonym: name }));
        passed.setAttribute("aria-label", t("console_passed_named", { pseudonym: name }));
      }

      const waiting = step.visibility === "hidden" && !isRevealedHere(state);
      const here = contributionsHere(state, "interpretation");
      hiddenCount.textContent = tn("console_hidden_count", here.filter((c) => c.is_hidden).length);
      show(hiddenCount, waiting);
      show(reveal, waiting && ctx.steering());
      show(nothing, here.length === 0);

      // A later round of a récit may answer the interpretations of its earlier rounds.
      const { step_index: index, recit_index: recit } = state.session;
      const earlier = presentation
        ? []
        : Object.values(state.contributions).filter(
            (c) => c.kind === "interpretation" && (c.recit ?? null) === recit && c.step_index < index && !c.is_hidden,
          );
      form.setChoices("replies_to", earlier.map((c) => ({ value: c.contribution_id, label: replyLabel(state, c) })));
      renderList(
        list,
        here.map((c) => entryData(c, state, { replies: c.replies_to.map((id) => state.contributions[id]?.body) })),
        (data) => item(data, state),
      );
    },
  };
}
