// The analysis: the board (board.js, with the team's editing controls and
// the pending suggestions), suggestions, theory and hypotheses typed for
// someone or by the team, and the practical perspectives at their three
// levels with their supporters.

import { h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { BOARD_KINDS, LEVELS, LIMITS } from "../method.js";
import { renderBoard } from "../board.js";
import { contributionsHere } from "../store.js";
import {
  button,
  card,
  contributionSender,
  entryActions,
  entryData,
  entryForm,
  entryItem,
  pseudonym,
  renderList,
} from "./ui.js";


// The board's items of the current récit, to link to or correct.
function boardItems(state) {
  const recit = state.session.recit_index ?? null;
  return Object.entries(state.board)
    .filter(([, item]) => (item.recit ?? null) === recit)
    .sort(([, a], [, b]) => a.position - b.position)
    .map(([id, item]) => ({
      value: id,
      label: t("console_board_item", { kind: t(`board_kind_${item.kind}`), title: item.title }),
    }));
}

function linkedTitles(state, c) {
  return c.links
    .map((id) => state.board[id]?.title)
    .filter(Boolean)
    .join(" · ");
}

// What each board step asks for: its form, its kind of contribution, and
// what a correction loads back into the form (suggestions are listed by the board).
const FORMS = {
  analysis: {
    title: "console_suggestion_form",
    hint: "console_for_participant_hint",
    kind: "suggestion",
    fields: () => [
      {
        name: "board_kind",
        type: "select",
        label: t("console_board_kind"),
        options: BOARD_KINDS.map((kind) => ({ value: kind, label: t(`board_kind_${kind}`) })),
      },
      { name: "title", type: "text", label: t("console_item_title") },
      { name: "body", label: t("console_item_formulation") },
      { name: "item_id", type: "select", label: t("console_item_corrected"), required: false },
    ],
  },
  theory: {
    title: "console_theory_form",
    hint: "console_for_anyone_hint",
    kind: "theory",
    fields: () => [
      { name: "title", type: "text", label: t("console_concept") },
      { name: "body", label: t("console_explanation"), rows: 4 },
      { name: "reference", type: "text", label: t("console_reference_label"), required: false, max: LIMITS.reference },
      { name: "links", type: "checks", label: t("console_links"), required: false },
    ],
    values: (c) => ({ title: c.title, body: c.body, reference: c.reference, links: c.links }),
  },
  hypotheses: {
    title: "console_hypothesis_form",
    hint: "console_for_anyone_hint",
    kind: "hypothesis",
    fields: () => [
      { name: "body", label: t("console_hypothesis_label"), rows: 4 },
      { name: "links", type: "checks", label: t("console_links"), required: false },
    ],
    values: (c) => ({ body: c.body, links: c.links }),
  },
};

export function boardPanel(ctx, step) {
  const spec = FORMS[step.kind];
  const board = h("div", { class: "console-board" });
  const form = entryForm({
    title: t(spec.title),
    fields: spec.fields(),
    submit: t("console_save_entry"),
    send: contributionSender(ctx),
  });
  const list = spec.values ? h("ul", { class: "cards console-list", "aria-label": t(`kind_${spec.kind}`) }) : null;
  return {
    el: h(
      "div",
      {},
      card(t("console_board"), board),
      list && card(t(`kind_${spec.kind}`), list),
      card(t(spec.title), h("p", { class: "meta", text: t(spec.hint) }), form.el),
    ),
    render(state) {
      renderBoard(board, state, { connection: ctx.connection, editable: true });
      const items = boardItems(state);
      if (!list) {
        form.setChoices("item_id", [{ value: "", label: t("console_new_item") }, ...items]);
        return;
      }
      form.setChoices("links", items);
      renderList(
        list,
        contributionsHere(state, spec.kind).map((c) => entryData(c, state, { items: linkedTitles(state, c) })),
        ({ c, items }) =>
          entryItem(
            c,
            state,
            items ? h("p", { class: "meta", text: t("console_linked_items", { items }) }) : null,
            entryActions(ctx, c, form, spec.values(c)),
          ),
      );
    },
  };
}

export function perspectivesPanel(ctx) {
  const form = entryForm({
    title: t("console_perspective_form"),
    fields: [
      {
        name: "level",
        type: "select",
        label: t("console_level"),
        options: LEVELS.map((level) => ({ value: level, label: t(`level_${level}`) })),
      },
      { name: "body", label: t("console_perspective_label"), rows: 3 },
    ],
    submit: t("console_save_entry"),
    send: contributionSender(ctx),
  });
  const lists = {};
  const empties = {};
  for (const level of LEVELS) {
    lists[level] = h("ul", { class: "cards console-list", "aria-label": t(`level_${level}`) });
    empties[level] = h("p", { class: "meta", text: t("console_no_perspective") });
  }

  // Support (or withdraw the support of) the person chosen in "Saisir pour".
  function support(c, who, supported, state) {
    const command = supported ? "unsupport_perspective" : "support_perspective";
    return button(
      t(supported ? "console_unsupport" : "console_support"),
      () => ctx.run(command, { contribution_id: c.contribution_id, on_behalf_of: who }),
      {
        name: t(supported ? "console_unsupport_for" : "console_support_for", { pseudonym: pseudonym(state, who) }),
        secondary: supported,
        focusKey: `support:${c.contribution_id}`,
      },
    );
  }

  function item({ c, who, supported }, state) {
    return entryItem(
      c,
      state,
      h(
        "p",
        { class: "console-supporters" },
        h("strong", { text: tn("supporters", c.supporters.length) }),
        who ? " " : null,
        who ? support(c, who, supported, state) : null,
      ),
      entryActions(ctx, c, form, { level: c.level, body: c.body }),
    );
  }

  return {
    el: h(
      "div",
      {},
      LEVELS.map((level) => card(t(`level_${level}`), empties[level], lists[level])),
      card(t("console_perspective_form"), h("p", { class: "meta", text: t("console_for_anyone_hint") }), form.el),
    ),
    render(state) {
      const who = ctx.behalf();
      const perspectives = contributionsHere(state, "perspective");
      for (const level of LEVELS) {
        const here = perspectives.filter((c) => c.level === level);
        show(empties[level], here.length === 0);
        renderList(
          lists[level],
          here.map((c) => entryData(c, state, { who, supported: c.supporters.includes(who) })),
          (data) => item(data, state),
        );
      }
    },
  };
}
