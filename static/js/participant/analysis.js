// The analysis: the board (board.js, read only here) with one's suggestions
// to it, then the theory and the hypotheses, each a list and a form that may
// link board items.

import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t } from "../i18n.js";
import { renderBoard } from "../board.js";
import { contributionsHere } from "../store.js";
import { contributionForm, contributionItem, ownActions, syncChoices } from "./ui.js";

// The board items of the current récit (all outside the récits), in the board's order: [[id, item]].
function boardItems(state) {
  const recit = state.session.recit_index ?? null;
  return Object.entries(state.board)
    .filter(([, item]) => recit === null || (item.recit ?? null) === recit)
    .sort(([, a], [, b]) => a.position - b.position);
}

function boardChoices(state) {
  return boardItems(state).map(([id, item]) => ({ value: id, label: item.title, detail: t(`board_kind_${item.kind}`) }));
}

// A select's options, rebuilt only when they change; the chosen one stays chosen.
function syncOptions(select, placeholder, options) {
  const key = JSON.stringify([placeholder, options]);
  if (select.dataset.key === key) return;
  select.dataset.key = key;
  const value = select.value;
  select.replaceChildren(h("option", { value: "" }, placeholder), ...options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = options.some((o) => o.value === value) ? value : "";
}

function linkedItems(state, c) {
  const titles = c.links.map((id) => state.board[id]?.title).filter(Boolean);
  return titles.length ? h("p", { class: "meta", text: t("linked_items", { titles: titles.join(" ; ") }) }) : null;
}

export function analysisScreen(ctx) {
  const form = contributionForm(ctx, "#suggestion-form");
  return {
    section: $("#analysis"),
    render(state, step, { me, contributes }) {
      renderBoard($("#board"), state, { connection: ctx.connection, editable: false });
      syncOptions($("#suggestion-item"), t("suggestion_new_item"), boardItems(state).map(([id, item]) => ({ value: id, label: item.title })));
      show($("#suggest"), contributes);
      const mine = contributionsHere(state, "suggestion").filter((c) => c.author_id === me);
      show($("#my-suggestions"), mine.length > 0);
      replaceKeepingFocus(
        $("#my-suggestions-list"),
        mine.map((c) =>
          contributionItem(state, c, {
            cls: `p-suggestion p-${c.status}`,
            badge: t(`suggestion_${c.status}`),
            extra: h("p", {
              class: "meta",
              text: [t(`board_kind_${c.board_kind}`), c.item_id ? t("correction_of", { title: state.board[c.item_id]?.title ?? "?" }) : ""].filter(Boolean).join(" · "),
            }),
            actions: c.status === "pending" ? ownActions(state, c, form) : [],
          }),
        ),
      );
    },
    leave() {
      if (form.editing) form.reset();
    },
  };
}

// Theory and hypotheses: a list, and a form that may link board items.
// kind: the contribution's kind; section: the selector of the template's section.
function linkedScreen(ctx, kind, section, selector) {
  const form = contributionForm(ctx, selector);
  return {
    section: $(section),
    render(state, step, { contributes }) {
      const items = contributionsHere(state, kind);
      show($(`${section}-empty`), items.length === 0);
      replaceKeepingFocus(
        $(`${section}-list`),
        items.map((c) =>
          contributionItem(state, c, {
            extra: [c.reference ? h("p", { class: "meta", text: t("reference", { reference: c.reference }) }) : null, linkedItems(state, c)],
            actions: ownActions(state, c, form),
          }),
        ),
      );
      const choices = boardChoices(state);
      show(form.form.querySelector(".links"), choices.length > 0);
      syncChoices(form.form.querySelector(".links-choices"), "checkbox", "links", choices);
      show(form.form, contributes);
      show($(`#${form.form.getAttribute("aria-labelledby")}`), contributes);
    },
    leave() {
      if (form.editing) form.reset();
    },
  };
}

export function theoryScreen(ctx) {
  return linkedScreen(ctx, "theory", "#theory", "#theory-form");
}

export function hypothesesScreen(ctx) {
  return linkedScreen(ctx, "hypothesis", "#hypotheses", "#hypothesis-form");
}
