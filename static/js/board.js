// The analysis board: convergences, divergences and nœuds of a récit, each
// with the interpretations behind it. Read-only on the participants' page and
// the projection screen; with `editable` (and a connection), the research
// team's console adds a form to create and edit items, moves and removals,
// and the participants' pending suggestions to accept or decline; with
// `explain` (the projection), each column says what its kind means.
//
// renderBoard is called after every event. It builds its elements once per
// root and afterwards only rebuilds the lists whose content changed: the form
// keeps what the researcher is typing, open <details> stay open and focus
// stays on the button that had it.

import { pseudonym, recitTitle, run } from "./common.js";
import { newId } from "./connection.js";
import { h, replaceKeepingFocus } from "./dom.js";
import { t, tn } from "./i18n.js";
import { BOARD_KINDS, LIMITS } from "./method.js";
import { byTime } from "./store.js";

// What an item of the board can rest on: what was said about the récit.
const LINKABLE = new Set(["interpretation", "reaction", "stakes", "question"]);
const EXCERPT_WORDS = 12;
const COLLAPSE_AFTER = 2; // more linked interpretations than this: in a <details>

const boards = new WeakMap(); // root element -> its board (elements and form state)
let instances = 0; // unique ids when a page shows several boards

export function renderBoard(
  root,
  state,
  { connection = null, editable = false, recit = state.session.recit_index, explain = false } = {},
) {
  const canEdit = Boolean(editable && connection);
  let board = boards.get(root);
  if (!board || board.canEdit !== canEdit) {
    board = createBoard(root, canEdit, explain);
    boards.set(root, board);
  }
  board.state = state;
  board.connection = connection;
  board.recit = recit ?? null;
  renderColumns(board);
  if (canEdit) {
    renderForm(board);
    renderSuggestions(board);
  }
}

// ---------------------------------------------------------------- reading the state

function inRecit(board, recit) {
  return board.recit === null || (recit ?? null) === board.recit;
}

function itemsOf(board, kind) {
  return Object.entries(board.state.board ?? {})
    .filter(([, item]) => item.kind === kind && inRecit(board, item.recit))
    .sort(([idA, a], [idB, b]) => a.position - b.position || (idA < idB ? -1 : 1))
    .map(([id, item]) => ({ id, ...item }));
}

function authorOf(state, contribution) {
  return contribution.author_id ? pseudonym(state, contribution.author_id) : t("anonymous_staff");
}

function enteredBy(contribution) {
  return contribution.entered_by ? t(`entered_by_${contribution.entered_by}`) : null;
}

function textOf(contribution) {
  return contribution.body || contribution.title || "";
}

function excerpt(text) {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > EXCERPT_WORDS ? `${words.slice(0, EXCERPT_WORDS).join(" ")}…` : words.join(" ");
}

function stepTitle(state, stepIndex) {
  const step = state.protocol.steps[stepIndex];
  return step ? t("step_heading", { number: step.number, title: step.title }) : "";
}

// ---------------------------------------------------------------- building once

function createBoard(root, canEdit, explain) {
  const id = `board-${++instances}`;
  const board = {
    id,
    canEdit,
    state: null,
    connection: null,
    recit: null,
    columns: {},
    open: new Set(), // ids of items whose linked interpretations are unfolded
    signatures: {}, // last rendered content of each list: unchanged lists are left alone
  };
  const columns = h(
    "div",
    { class: "board-columns" },
    BOARD_KINDS.map((kind) => {
      const heading = h("h3", { id: `${id}-${kind}`, tabindex: "-1", text: t(`board_${kind}`) });
      // With `explain` (the projection), what the kind means, in plain words, under its name.
      const plain = explain ? h("p", { class: "meta board-plain", text: t(`plain_${kind}`) }) : null;
      const empty = h("p", { class: "meta board-empty", text: t("board_empty") });
      const list = h("ol", { class: "board-items cards", "aria-labelledby": heading.id });
      board.columns[kind] = { heading, list, empty };
      return h("section", { class: "board-column", "data-kind": kind, "aria-labelledby": heading.id }, heading, plain, empty, list);
    }),
  );
  const parts = [];
  if (canEdit) {
    parts.push(createForm(board), createSuggestions(board));
  }
  parts.push(columns);
  board.root = h("div", { class: "board", "data-editable": canEdit ? "true" : null }, parts);
  root.replaceChildren(board.root);
  return board;
}

// ---------------------------------------------------------------- the columns

function interpretationModel(state, contributionId) {
  const c = state.contributions[contributionId];
  if (!c) return null; // withdrawn, or not visible to this viewer
  return {
    id: contributionId,
    kind: c.kind === "interpretation" ? null : t(`kind_${c.kind}`),
    author: authorOf(state, c),
    enteredBy: enteredBy(c),
    text: textOf(c),
  };
}

function itemModel(state, item) {
  return {
    id: item.id,
    title: item.title,
    formulation: item.formulation,
    links: item.links.map((cid) => interpretationModel(state, cid)).filter(Boolean),
  };
}

function renderColumns(board) {
  for (const kind of BOARD_KINDS) {
    const items = itemsOf(board, kind).map((item) => itemModel(board.state, item));
    const { heading, list, empty } = board.columns[kind];
    empty.hidden = items.length > 0;
    const signature = JSON.stringify([board.canEdit, items]);
    if (board.signatures[kind] === signature) continue;
    board.signatures[kind] = signature;
    replaceKeepingList(
      list,
      items.map((item, index) => itemCard(board, kind, item, index, items.length)),
      heading,
    );
  }
}

// Like replaceKeepingFocus; when the focused control left with its card
// (an item removed, a suggestion settled), focus moves to `fallback`
// instead of falling back to the top of the page.
function replaceKeepingList(list, children, fallback) {
  const hadFocus = list.contains(document.activeElement);
  replaceKeepingFocus(list, children);
  if (hadFocus && !list.contains(document.activeElement)) fallback.focus();
}

function interpretationEntry(model) {
  const meta = [model.kind, model.author, model.enteredBy].filter(Boolean).join(" · ");
  return h(
    "li",
    { class: "board-link" },
    h("p", { class: "meta", text: meta }),
    h("p", { class: "body", text: model.text }),
  );
}

function linksBlock(board, item) {
  const count = item.links.length;
  if (count === 0) {
    return board.canEdit ? h("p", { class: "meta", text: t("board_no_links") }) : null;
  }
  const list = h("ul", { class: "board-links-list" }, item.links.map(interpretationEntry));
  if (count <= COLLAPSE_AFTER) {
    return h("div", { class: "board-links" }, h("p", { class: "meta board-links-heading", text: t("linked_interpretations") }), list);
  }
  const details = h(
    "details",
    {
      class: "board-links",
      open: board.open.has(item.id),
      ontoggle: (event) => {
        if (event.currentTarget.open) board.open.add(item.id);
        else board.open.delete(item.id);
      },
    },
    h("summary", { "data-focus-key": `links:${item.id}`, text: tn("board_links", count) }),
    list,
  );
  return details;
}

function itemCard(board, kind, item, index, count) {
  return h(
    "li",
    { class: "card board-item", "data-item": item.id },
    h("h4", { text: item.title }),
    item.formulation ? h("p", { class: "body", text: item.formulation }) : null,
    linksBlock(board, item),
    board.canEdit ? itemActions(board, kind, item, index, count) : null,
  );
}

function itemActions(board, kind, item, index, count) {
  const title = item.title;
  // Moves at an end stay focusable (aria-disabled) so focus never falls off the page.
  const move = (delta, key, label, named) => {
    const blocked = index + delta < 0 || index + delta >= count;
    return h(
      "button",
      {
        type: "button",
        class: "secondary",
        "data-focus-key": `${key}:${item.id}`,
        "aria-label": t(named, { title }),
        "aria-disabled": blocked ? "true" : null,
        onclick: () => blocked || moveItem(board, kind, item.id, delta),
      },
      t(label),
    );
  };
  return h(
    "div",
    { class: "actions" },
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        "data-focus-key": `edit:${item.id}`,
        "aria-label": t("board_edit_named", { title }),
        onclick: () => startEdit(board, item.id),
      },
      t("edit"),
    ),
    move(-1, "up", "board_move_up", "board_move_up_named"),
    move(1, "down", "board_move_down", "board_move_down_named"),
    h(
      "button",
      {
        type: "button",
        class: "danger",
        "data-focus-key": `remove:${item.id}`,
        "aria-label": t("board_remove_named", { title }),
        onclick: () => removeItem(board, item.id),
      },
      t("board_remove"),
    ),
  );
}

async function moveItem(board, kind, itemId, delta) {
  const order = itemsOf(board, kind).map((item) => item.id);
  const from = order.indexOf(itemId);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= order.length) return;
  [order[from], order[to]] = [order[to], order[from]];
  await run(board.connection, "reorder_board", { order });
}

async function removeItem(board, itemId) {
  const item = board.state.board[itemId];
  if (!item || !window.confirm(t("board_confirm_remove", { title: item.title }))) return;
  const ok = await run(board.connection, "remove_board_item", { item_id: itemId });
  if (ok && board.form.editing === itemId) resetForm(board);
}

// ---------------------------------------------------------------- the form

function createForm(board) {
  const id = board.id;
  const field = (name) => `${id}-${name}`;
  const heading = h("h3", { id: field("form-heading") });
  const kind = h(
    "select",
    { id: field("kind"), name: "kind" },
    BOARD_KINDS.map((k) => h("option", { value: k, text: t(`board_kind_${k}`) })),
  );
  const title = h("input", { id: field("title"), name: "title", required: true, maxlength: LIMITS.title, autocomplete: "off" });
  const formulation = h("textarea", { id: field("formulation"), name: "formulation", rows: 3, maxlength: LIMITS.body });
  const candidates = h("div", { class: "board-candidates" });
  const noCandidates = h("p", { class: "meta", text: t("board_no_candidates") });
  const note = h("p", { class: "meta board-form-note", role: "status", hidden: true });
  const submit = h("button", { type: "submit" });
  const cancel = h("button", { type: "button", class: "secondary", hidden: true, onclick: () => resetForm(board) }, t("board_cancel_edit"));
  const element = h(
    "form",
    {
      class: "board-form stack",
      "aria-labelledby": heading.id,
      onsubmit: (event) => {
        event.preventDefault();
        submitForm(board);
      },
    },
    heading,
    note,
    h("label", { for: kind.id, text: t("board_field_kind") }),
    kind,
    h("label", { for: title.id, text: t("board_field_title") }),
    title,
    h("label", { for: formulation.id, text: t("board_field_formulation") }),
    formulation,
    h("fieldset", { class: "board-candidates-field" }, h("legend", { text: t("linked_interpretations") }), noCandidates, candidates),
    h("div", { class: "actions" }, submit, cancel),
  );
  element.addEventListener("change", (event) => {
    const box = event.target;
    if (box.type !== "checkbox") return;
    if (box.checked) board.form.selected.add(box.value);
    else board.form.selected.delete(box.value);
  });
  board.form = {
    element, heading, note, kind, title, formulation, candidates, noCandidates, submit, cancel,
    editing: null, // id of the item being edited, or null when adding
    draft: null, // the new item being typed when an edit started
    selected: new Set(), // ids of the contributions ticked
    order: [], // ids of the listed contributions, in the order shown
    busy: false,
  };
  return h("section", { class: "card board-editor" }, element);
}

// The contributions an item can rest on: what was said about this récit,
// plus anything the item being edited already links to.
function candidateModels(board) {
  const { state } = board;
  const linkable = Object.values(state.contributions)
    .filter((c) => LINKABLE.has(c.kind) && inRecit(board, c.recit) && textOf(c))
    .map((c) => c.contribution_id);
  const ids = new Set([...linkable, ...[...board.form.selected].filter((cid) => state.contributions[cid])]);
  return [...ids]
    .map((cid) => state.contributions[cid])
    .sort((a, b) => (a.recit ?? -1) - (b.recit ?? -1) || a.step_index - b.step_index || byTime(a, b))
    .map((c) => ({
      id: c.contribution_id,
      group: `${c.recit ?? "-"}:${c.step_index}`,
      heading: [board.recit === null && c.recit !== null ? recitTitle(state, c.recit) : null, stepTitle(state, c.step_index)]
        .filter(Boolean)
        .join(" · "),
      kind: c.kind === "interpretation" ? null : t(`kind_${c.kind}`),
      label: t("board_candidate", { author: authorOf(state, c), text: excerpt(textOf(c)) }),
    }));
}

function renderForm(board) {
  const form = board.form;
  const { state } = board;
  if (form.editing && !state.board[form.editing]) {
    // Removed meanwhile (by someone else): keep what was typed, as a new item.
    form.editing = null;
    form.note.textContent = t("board_edit_gone");
    form.note.hidden = false;
  }
  const editedTitle = form.editing ? state.board[form.editing].title : "";
  form.heading.textContent = form.editing ? t("board_form_edit", { title: editedTitle }) : t("board_form_add");
  form.submit.textContent = form.editing ? t("save_changes") : t("board_add");
  form.cancel.hidden = !form.editing && form.note.hidden;

  const models = candidateModels(board);
  form.noCandidates.hidden = models.length > 0;
  form.order = models.map((m) => m.id);
  const signature = JSON.stringify(models);
  if (board.signatures.form !== signature) {
    board.signatures.form = signature;
    const groups = new Map();
    for (const model of models) {
      if (!groups.has(model.group)) groups.set(model.group, { heading: model.heading, models: [] });
      groups.get(model.group).models.push(model);
    }
    replaceKeepingFocus(
      form.candidates,
      [...groups.values()].map((group) =>
        h(
          "fieldset",
          { class: "board-candidate-group" },
          h("legend", { text: group.heading }),
          group.models.map((model) =>
            h(
              "label",
              { class: "choice" },
              h("input", { type: "checkbox", value: model.id, "data-focus-key": `link:${model.id}` }),
              h("span", {}, model.kind ? h("span", { class: "meta", text: `${model.kind} · ` }) : null, model.label),
            ),
          ),
        ),
      ),
    );
  }
  syncChecks(board);
}

function syncChecks(board) {
  for (const box of board.form.candidates.querySelectorAll("input[type=checkbox]")) {
    box.checked = board.form.selected.has(box.value);
  }
}

function startEdit(board, itemId) {
  const item = board.state.board[itemId];
  if (!item) return;
  const form = board.form;
  if (!form.editing) {
    // A new item being drafted is put aside, and comes back after the edit.
    form.draft = {
      kind: form.kind.value,
      title: form.title.value,
      formulation: form.formulation.value,
      selected: form.selected,
    };
  }
  form.editing = itemId;
  form.note.hidden = true;
  form.kind.value = item.kind;
  form.title.value = item.title;
  form.formulation.value = item.formulation;
  form.selected = new Set(item.links);
  renderForm(board);
  form.title.focus();
}

// Back to adding: the draft put aside by an edit if any, else an empty form.
function resetForm(board) {
  const form = board.form;
  const draft = form.draft ?? {
    kind: form.kind.value, // entering several items of one kind in a row is common
    title: "",
    formulation: "",
    selected: new Set(),
  };
  form.draft = null;
  form.kind.value = draft.kind;
  form.title.value = draft.title;
  form.formulation.value = draft.formulation;
  form.selected = draft.selected;
  form.editing = null;
  form.note.hidden = true;
  renderForm(board);
}

async function submitForm(board) {
  const form = board.form;
  if (form.busy) return; // a double click must not add the item twice
  const { state } = board;
  const args = {
    kind: form.kind.value,
    title: form.title.value,
    formulation: form.formulation.value,
    links: form.order.filter((cid) => form.selected.has(cid) && state.contributions[cid]),
  };
  const editing = form.editing;
  form.busy = true;
  form.submit.setAttribute("aria-disabled", "true");
  try {
    const ok = editing
      ? await run(board.connection, "edit_board_item", { item_id: editing, ...args })
      : await run(board.connection, "add_board_item", { item_id: newId(), ...args });
    if (!ok) return;
    resetForm(board);
    const back = editing && board.root?.querySelector(`[data-focus-key="edit:${CSS.escape(editing)}"]`);
    (back || form.title).focus();
  } finally {
    form.busy = false;
    form.submit.removeAttribute("aria-disabled");
  }
}

// ---------------------------------------------------------------- the participants' suggestions

function createSuggestions(board) {
  const heading = h("h3", { id: `${board.id}-suggestions`, tabindex: "-1", text: t("board_suggestions") });
  const none = h("p", { class: "meta", text: t("board_suggestions_none") });
  const pending = h("ul", { class: "cards board-suggestions-pending", "aria-labelledby": heading.id });
  const summary = h("summary");
  const settled = h("ul", { class: "cards board-suggestions-settled" });
  const details = h("details", { class: "board-settled" }, summary, settled);
  board.suggestions = { heading, none, pending, summary, settled, details };
  return h("section", { class: "card board-suggestions", "aria-labelledby": heading.id }, heading, none, pending, details);
}

function suggestionModel(state, c) {
  const corrected = c.item_id ? state.board[c.item_id] : null;
  return {
    id: c.contribution_id,
    status: c.status,
    kind: t(`board_kind_${c.board_kind}`),
    author: t("board_suggested_by", { pseudonym: authorOf(state, c) }),
    enteredBy: enteredBy(c),
    title: c.title,
    formulation: c.body,
    corrects: !c.item_id
      ? null
      : corrected
        ? t("board_suggestion_corrects", { title: corrected.title })
        : t("board_suggestion_corrects_removed"),
  };
}

function renderSuggestions(board) {
  const { state } = board;
  const all = Object.values(state.contributions)
    .filter((c) => c.kind === "suggestion" && inRecit(board, c.recit))
    .sort(byTime)
    .map((c) => suggestionModel(state, c));
  const pending = all.filter((s) => s.status === "pending");
  const settled = all.filter((s) => s.status !== "pending");
  const parts = board.suggestions;
  parts.none.hidden = pending.length > 0;
  parts.details.hidden = settled.length === 0;
  parts.summary.textContent = tn("board_settled", settled.length);
  const signature = JSON.stringify(all);
  if (board.signatures.suggestions === signature) return;
  board.signatures.suggestions = signature;
  const next = () => parts.pending.querySelector("button") || parts.heading;
  replaceKeepingList(parts.pending, pending.map((s) => suggestionCard(board, s, true)), { focus: () => next().focus() });
  parts.settled.replaceChildren(...settled.map((s) => suggestionCard(board, s, false)));
}

function suggestionCard(board, s, isPending) {
  const meta = [s.kind, s.author, s.enteredBy].filter(Boolean).join(" · ");
  return h(
    "li",
    { class: "card board-suggestion", "data-status": s.status },
    isPending ? null : h("p", { class: "badge board-suggestion-status", text: t(`board_suggestion_${s.status}`) }),
    h("p", { class: "meta", text: meta }),
    h("h4", { text: s.title }),
    s.formulation ? h("p", { class: "body", text: s.formulation }) : null,
    s.corrects ? h("p", { class: "meta board-corrects", text: s.corrects }) : null,
    isPending
      ? h(
          "div",
          { class: "actions" },
          h(
            "button",
            {
              type: "button",
              "data-focus-key": `accept:${s.id}`,
              "aria-label": t("board_accept_named", { title: s.title }),
              onclick: () => settle(board, s.id, "accepted"),
            },
            t("board_accept"),
          ),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              "data-focus-key": `decline:${s.id}`,
              "aria-label": t("board_decline_named", { title: s.title }),
              onclick: () => settle(board, s.id, "declined"),
            },
            t("board_decline"),
          ),
        )
      : null,
  );
}

async function settle(board, contributionId, decision) {
  await run(board.connection, "settle_suggestion", {
    contribution_id: contributionId,
    decision,
    item_id: newId(),
  });
}
