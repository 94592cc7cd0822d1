// Small pieces every panel of the console uses: forms built once (what is
// typed survives every render), lists re-rendered item by item, and how an
// entry says who said it, when, and who typed it.

import { authorLabel, clockTime, excerpt, pseudonym } from "../common.js";
import { newId } from "../connection.js";
import { h, replaceKeepingFocus } from "../dom.js";
import { t } from "../i18n.js";
import { LIMITS } from "../method.js";

export { clockTime, excerpt, pseudonym }; // the console's modules take them from here

let formCount = 0;
const signatures = new WeakMap();

// Re-render a list: an item whose data did not change keeps its element (and
// whatever someone is typing in it); focus follows data-focus-key otherwise.
// items: [{ key, ...everything build() shows }].
export function renderList(el, items, build) {
  const old = new Map([...el.children].map((child) => [child.dataset.key, child]));
  const next = items.map((item) => {
    const signature = JSON.stringify(item);
    const kept = old.get(item.key);
    if (kept && signatures.get(kept) === signature) return kept;
    const child = build(item);
    child.dataset.key = item.key;
    signatures.set(child, signature);
    return child;
  });
  const same = next.length === el.children.length && next.every((child, i) => child === el.children[i]);
  if (!same) replaceKeepingFocus(el, next);
}

// Replace a select's options only when they change, keeping the chosen value.
export function setOptions(select, options) {
  const signature = JSON.stringify(options);
  if (signatures.get(select) === signature) return;
  const value = select.value;
  select.replaceChildren(...options.map((o) => h("option", { value: o.value, text: o.label })));
  if (options.some((o) => o.value === value)) select.value = value;
  signatures.set(select, signature);
}

// Replace checkboxes or radio buttons only when they change, keeping what is checked.
// A list with nothing to choose from is hidden.
function setChecks(box, name, type, choices) {
  box.parentElement.hidden = choices.length === 0;
  const signature = JSON.stringify(choices);
  if (signatures.get(box) === signature) return;
  const checked = new Set([...box.querySelectorAll("input:checked")].map((input) => input.value));
  box.replaceChildren(
    ...choices.map((c) => {
      const input = h("input", { type, name, value: c.value, checked: checked.has(c.value) });
      return h("label", { class: "choice" }, input, c.label);
    }),
  );
  signatures.set(box, signature);
}

function control(id, field) {
  const attrs = { id, name: field.name, required: field.required !== false && field.type !== "checks" };
  if (field.type === "text") return h("input", { ...attrs, maxlength: field.max ?? LIMITS.title, autocomplete: "off" });
  if (field.type === "select") {
    const select = h("select", attrs);
    if (field.options) setOptions(select, field.options);
    return select;
  }
  return h("textarea", { ...attrs, rows: field.rows ?? 3, maxlength: field.max ?? LIMITS.body });
}

function choiceType(field) {
  return field.type === "checks" ? "checkbox" : "radio";
}

// A form built once. fields: [{ name, label, type: textarea|text|select|checks|radios,
// options, required }]. send(values, editingId) resolves true when the server agreed.
export function entryForm({ title, fields, submit, send }) {
  const id = `console-form-${++formCount}`;
  const controls = {};
  const form = h("form", { class: "stack console-form", "aria-label": title });
  for (const field of fields) {
    const fieldId = `${id}-${field.name}`;
    if (field.type === "checks" || field.type === "radios") {
      const box = h("div", { class: "console-choices" });
      controls[field.name] = { box, field };
      form.append(h("fieldset", { id: fieldId, hidden: true }, h("legend", { text: field.label }), box));
      if (field.options) setChecks(box, fieldId, choiceType(field), field.options);
    } else {
      const el = control(fieldId, field);
      controls[field.name] = { el, field };
      form.append(h("label", { for: fieldId, text: field.label }), el);
    }
  }
  const button = h("button", { type: "submit", text: submit });
  const cancel = h("button", { type: "button", class: "secondary", hidden: true }, t("console_cancel_edit"));
  form.append(h("div", { class: "actions" }, button, cancel));
  let editing = null;

  const api = {
    el: form,
    values() {
      const values = {};
      for (const [name, { el, box }] of Object.entries(controls)) {
        if (box) {
          const checked = [...box.querySelectorAll("input:checked")].map((input) => input.value);
          values[name] = box.querySelector("input[type=radio]") ? checked[0] ?? "" : checked;
        } else values[name] = el.value;
      }
      return values;
    },
    setChoices(name, choices) {
      const { el, box, field } = controls[name];
      if (box) setChecks(box, `${id}-${name}`, choiceType(field), choices);
      else setOptions(el, choices);
    },
    // Fill the form with an entry to correct it; the next submit edits it.
    load(entryId, values) {
      editing = entryId;
      for (const [name, value] of Object.entries(values)) {
        const { el, box } = controls[name] ?? {};
        if (el) el.value = value ?? "";
        box?.querySelectorAll("input").forEach((input) => (input.checked = [].concat(value).includes(input.value)));
      }
      button.textContent = t("save_changes");
      cancel.hidden = false;
      form.querySelector("input, textarea, select")?.focus();
    },
    stopEditing() {
      editing = null;
      button.textContent = submit;
      cancel.hidden = true;
    },
    reset() {
      api.stopEditing();
      form.reset();
    },
  };
  cancel.addEventListener("click", () => api.reset());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    const sent = JSON.stringify(api.values());
    const ok = await send(api.values(), editing);
    button.disabled = false;
    // Empty the form, unless someone already started typing the next entry.
    if (ok && JSON.stringify(api.values()) === sent) api.reset();
    else if (ok) api.stopEditing();
  });
  return api;
}

// A card with a heading, for a panel's parts.
export function card(title, ...children) {
  const headingId = `console-card-${++formCount}`;
  const heading = h("h2", { id: headingId, text: title });
  return h("section", { class: "card console-card", "aria-labelledby": headingId }, heading, ...children);
}

// name: the accessible name when the label alone is ambiguous in a list.
export function button(label, onclick, { name, secondary = false, focusKey } = {}) {
  const attrs = { type: "button", class: secondary ? "secondary" : null, "aria-label": name };
  return h("button", { ...attrs, "data-focus-key": focusKey, onclick }, label);
}

// "14:05 · Alice · saisi par le rapporteur · caché jusqu'au dévoilement"
export function byline(c, state) {
  const parts = [clockTime(c.at), authorLabel(state, c)];
  if (c.is_hidden) parts.push(t("hidden_until_reveal"));
  return parts.join(" · ");
}

// What a list item shows of a contribution (the data renderList compares).
export function entryData(c, state, extra = {}) {
  return { key: c.contribution_id, c, author: c.author_id ? pseudonym(state, c.author_id) : "", ...extra };
}

export function entryItem(c, state, ...children) {
  return h(
    "li",
    { class: `card console-entry${c.is_hidden ? " is-hidden" : ""}` },
    h("p", { class: "meta", text: byline(c, state) }),
    c.title ? h("h3", { text: c.title }) : null,
    c.body ? h("p", { class: "body", text: c.body }) : null,
    c.reference ? h("p", { class: "meta" }, t("console_reference", { reference: c.reference })) : null,
    ...children,
  );
}

export function withdraw(ctx, c) {
  if (window.confirm(t("console_confirm_withdraw"))) {
    ctx.run("withdraw_contribution", { contribution_id: c.contribution_id });
  }
}

// "Modifier" (loads the entry into its form) and "Retirer" for an entry.
export function entryActions(ctx, c, form, values) {
  const what = excerpt(c.title || c.body) || t(`kind_${c.kind}`);
  return h(
    "div",
    { class: "actions" },
    button(t("edit"), () => form.load(c.contribution_id, values), {
      name: t("console_edit_entry", { text: what }),
      secondary: true,
      focusKey: `edit:${c.contribution_id}`,
    }),
    button(t("withdraw"), () => withdraw(ctx, c), {
      name: t("console_withdraw_entry", { text: what }),
      secondary: true,
      focusKey: `withdraw:${c.contribution_id}`,
    }),
  );
}

// The arguments that make a command count for the person chosen in "Saisir pour".
export function onBehalf(participantId) {
  return participantId ? { on_behalf_of: participantId } : {};
}

// Send a form as a contribution of the current step, for author() (a participant
// id, or "" for the team), or as a correction of the entry being edited.
export function contributionSender(ctx, author = () => ctx.behalf()) {
  return (values, editing) =>
    editing
      ? ctx.run("edit_contribution", { contribution_id: editing, ...values })
      : ctx.run("contribute", { contribution_id: newId(), ...values, ...onBehalf(author()) });
}
