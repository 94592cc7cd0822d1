// The rapporteur's running notes, in every step: what is said aloud, kept
// with its time, for the current step and récit.

import { newId } from "../connection.js";
import { $, h } from "../dom.js";
import { t } from "../i18n.js";
import { contributionsHere } from "../store.js";
import { entryActions, entryData, entryForm, entryItem, renderList } from "./ui.js";

export function notesPanel(ctx) {
  const form = entryForm({
    title: t("console_notes"),
    fields: [{ name: "body", label: t("console_note_label"), rows: 4 }],
    submit: t("console_add_note"),
    send: (values, editing) =>
      editing
        ? ctx.run("edit_contribution", { contribution_id: editing, body: values.body })
        : ctx.run("add_note", { contribution_id: newId(), body: values.body }),
  });
  const list = h("ul", { class: "cards console-list", "aria-label": t("console_notes_here") });
  $("#notes").append(form.el, list);
  return {
    render(state) {
      renderList(
        list,
        contributionsHere(state, "note").reverse().map((c) => entryData(c, state)),
        ({ c }) => entryItem(c, state, entryActions(ctx, c, form, { body: c.body })),
      );
    },
  };
}
