// What the narrator says (stakes, reactions), typed by the team for them,
// and the information questions: the queue, raised hands written down,
// questions that are really interpretations deferred to the round.

import { answerBlock, answerForm, answerOf } from "../common.js";
import { newId } from "../connection.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { LIMITS } from "../method.js";
import { contributionsHere } from "../store.js";
import {
  button,
  card,
  contributionSender,
  entryActions,
  entryData,
  entryForm,
  entryItem,
  excerpt,
  onBehalf,
  pseudonym,
  renderList,
  withdraw,
} from "./ui.js";

function narratorOf(state) {
  return state.recits[state.session.recit_index ?? -1]?.narrator_id ?? "";
}

// Stakes (kind "stakes") or reactions (kind "reaction"): the narrator's words.
export function narratorPanel(ctx, kind) {
  const forNarrator = h("p", { class: "console-for" });
  const form = entryForm({
    title: t(`kind_${kind}`),
    fields: [{ name: "body", label: t("console_narrator_words"), rows: 5 }],
    submit: t("console_save_entry"),
    send: contributionSender(ctx, () => narratorOf(ctx.connection.state)),
  });
  const list = h("ul", { class: "cards console-list", "aria-label": t(`kind_${kind}`) });
  return {
    el: card(t(`kind_${kind}`), forNarrator, form.el, list),
    render(state) {
      const narrator = narratorOf(state);
      forNarrator.textContent = narrator
        ? t("console_for_narrator", { pseudonym: pseudonym(state, narrator) })
        : t("console_no_narrator");
      renderList(
        list,
        contributionsHere(state, kind).map((c) => entryData(c, state)),
        ({ c }) => entryItem(c, state, entryActions(ctx, c, form, { body: c.body })),
      );
    },
  };
}

const QUEUE_ORDER = { current: 0, queued: 1, answered: 2 };

export function questionsPanel(ctx) {
  const form = entryForm({
    title: t("console_question_form"),
    fields: [{ name: "body", label: t("console_question_label") }],
    submit: t("console_save_question"),
    send: contributionSender(ctx),
  });
  const raiseHand = () => ctx.run("raise_hand", { contribution_id: newId(), ...onBehalf(ctx.behalf()) });
  const hand = button(t("console_raise_hand"), raiseHand, { secondary: true });
  const queue = h("ol", { class: "cards console-list", "aria-label": t("console_queue") });

  // A raised hand: the rapporteur writes down the question said aloud.
  function writeDown(c, state) {
    const id = `hand-${c.contribution_id}`;
    const input = h("textarea", { id, rows: 2, maxlength: LIMITS.body, required: true, "data-focus-key": id });
    const save = (event) => {
      event.preventDefault();
      ctx.run("edit_contribution", { contribution_id: c.contribution_id, body: input.value });
    };
    return h(
      "form",
      { class: "stack", onsubmit: save },
      h("label", { for: id, text: t("console_write_question", { pseudonym: pseudonym(state, c.author_id) }) }),
      input,
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("console_save_question"))),
    );
  }

  function item({ c, answer }, state) {
    const id = c.contribution_id;
    const text = { text: c.is_hand ? pseudonym(state, c.author_id) : excerpt(c.body, 40) };
    const mark = (status, label, key) =>
      c.status === status
        ? null
        : button(t(label), () => ctx.run("mark_question", { contribution_id: id, status }), {
            name: t(key, text),
            secondary: status !== "current",
            focusKey: `${status}:${id}`,
          });
    const defer = button(t("console_defer"), () => ctx.run("defer_question", { contribution_id: id }), {
      name: t("console_defer_named", text),
      secondary: true,
      focusKey: `defer:${id}`,
    });
    return entryItem(
      c,
      state,
      h("p", {}, h("span", { class: `badge console-question-${c.status}`, text: t(`question_${c.status}`) })),
      c.is_hand ? h("p", { class: "meta", text: t("raised_hand") }) : null,
      c.is_hand ? writeDown(c, state) : null,
      answer ? answerBlock(state, answer) : null,
      answer
        ? h(
            "div",
            { class: "actions" },
            button(t("withdraw"), () => withdraw(ctx, answer), {
              name: t("console_withdraw_entry", { text: excerpt(answer.body) }),
              secondary: true,
              focusKey: `withdraw:${answer.contribution_id}`,
            }),
          )
        : answerForm(ctx.connection, c, (text) => t("answer_label_for", { pseudonym: pseudonym(state, narratorOf(state)), text })),
      h(
        "div",
        { class: "actions" },
        mark("current", "console_mark_current", "console_mark_current_named"),
        mark("answered", "question_answered", "console_mark_answered_named"),
        mark("queued", "console_mark_queued", "console_mark_queued_named"),
        defer,
      ),
      c.is_hand ? null : entryActions(ctx, c, form, { body: c.body }),
    );
  }

  return {
    el: h(
      "div",
      {},
      card(t("console_queue"), queue),
      card(t("console_question_form"), form.el, h("div", { class: "actions" }, hand)),
    ),
    render(state) {
      const questions = contributionsHere(state, "question");
      questions.sort((a, b) => QUEUE_ORDER[a.status] - QUEUE_ORDER[b.status]);
      renderList(
        queue,
        questions.map((c) => entryData(c, state, { answer: answerOf(state, c) ?? null })),
        (data) => item(data, state),
      );
    },
  };
}
