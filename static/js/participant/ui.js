// Pieces every screen of the participant's page uses: a contribution as a
// card, a button busy while its command runs, choices rebuilt only when they
// change, and the forms of the template that add or edit a contribution.

import { newId } from "../connection.js";
import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t } from "../i18n.js";
import { announce, authorLabel, beside, excerpt } from "../common.js";

export function contributionItem(state, c, { cls = "", badge = "", extra = [], actions = [], current = false } = {}) {
  const replies = c.replies_to.map((id) => state.contributions[id]).filter(Boolean);
  const meta = [authorLabel(state, c), c.is_hidden ? t("hidden_until_reveal") : ""].filter(Boolean).join(" · ");
  return h(
    "li",
    { class: `card ${cls}`.trim(), "aria-current": current ? "true" : null },
    badge ? h("p", { class: "badge", text: badge }) : null,
    c.title ? h("h4", { text: c.title }) : null,
    c.body ? h("p", { class: "body", text: c.body }) : null,
    extra,
    replies.length
      ? h("p", {
          class: "meta p-replies",
          text: `${t("in_reply_to")} ${replies.map((r) => t("reply_ref", { pseudonym: authorLabel(state, r), text: excerpt(r.body) })).join(" ; ")}`,
        })
      : null,
    h("p", { class: "meta", text: meta }),
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

// While its command runs the button is disabled, which takes the focus away from it: once
// done, and once the page has shown the outcome (`landFocus`), focus goes back to it, or
// to what replaced it, or to what the action led to. A refusal shows beside the button.
export async function busy(button, work) {
  landing = { button, key: button.dataset.focusKey, until: Date.now() + 5000 };
  button.disabled = true;
  try {
    return await beside(button, work);
  } finally {
    button.disabled = false;
    landFocus();
  }
}

let landing = null;

// The place changed (a new step): what one did before is no reason to move the focus.
export function forgetLanding() {
  landing = null;
}

function isShown(el) {
  return Boolean(el?.isConnected) && !el.disabled && el.getClientRects().length > 0;
}

// Called after each render: if one's own action left the focus nowhere, put it somewhere
// sensible: the same control, what replaced it, the confirmation, or else, for now, the
// screen's heading (a confirmation shown by a later event takes the focus from it).
export function landFocus() {
  if (!landing) return;
  if (Date.now() > landing.until) {
    landing = null;
    return;
  }
  const active = document.activeElement;
  const ours = [document.body, landing.button, landing.heading];
  if (active && !ours.includes(active)) {
    landing = null; // the person went on elsewhere
    return;
  }
  const { button, key } = landing;
  const candidates = [
    button,
    key ? document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null,
    ...document.querySelectorAll("[data-landing]"),
  ];
  const heading = [...document.querySelectorAll("h1")].find(isShown);
  const target = candidates.find(isShown) ?? heading;
  landing.heading = target === heading ? heading : null;
  if (target && target !== active) target.focus();
}

// Checkboxes or radios, rebuilt only when the choices change: what was ticked stays ticked.
export function syncChoices(container, type, name, choices) {
  const key = JSON.stringify([type, choices]);
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  const ticked = new Set(checkedValues(container));
  replaceKeepingFocus(
    container,
    choices.map(({ value, label, detail }) => {
      const id = `${container.id}-${value}`; // the detail describes the choice, its name stays short
      const input = h("input", { type, name, value, id, "data-focus-key": id, "aria-describedby": detail ? `${id}-detail` : null });
      input.checked = ticked.has(value); // the property: form.reset() unticks it
      return h(
        "div",
        { class: "p-choice" },
        h("label", { class: "choice", for: id }, input, h("span", { class: "p-choice-title", text: label })),
        detail ? h("p", { id: `${id}-detail`, class: "meta p-choice-detail", text: detail }) : null,
      );
    }),
  );
}

export function checkedValues(container) {
  return [...container.querySelectorAll("input:checked")].map((input) => input.value);
}

// ------------------------------------------------------------------ forms

// A form's fields by name, as the command's arguments (ticked boxes as lists).
function formArgs(form) {
  const args = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === "checkbox") (args[el.name] ??= []).push(...(el.checked ? [el.value] : []));
    else args[el.name] = el.value;
  }
  return args;
}

// Put a contribution back in a form, to edit it.
function fillForm(form, c) {
  for (const el of form.elements) {
    if (el.type === "checkbox") el.checked = (c[el.name] ?? []).includes(el.value);
    else if (el.name) el.value = c[el.name] ?? "";
  }
}

// A form of the template that adds a contribution, or edits one of the
// person's own. Its fields are named after the command's arguments.
export function contributionForm(ctx, selector) {
  const form = $(selector);
  const submit = form.querySelector("[type=submit]");
  const cancel = form.querySelector(".cancel-edit");
  const label = submit.textContent;
  const api = {
    form,
    editing: null,
    edit(id) {
      const c = ctx.connection.state.contributions[id];
      if (!c) return;
      api.editing = id;
      fillForm(form, c);
      submit.textContent = t("save_changes");
      show(cancel, true);
      show(form, true);
      form.closest("details")?.setAttribute("open", ""); // a form folded away unfolds
      form.querySelector("textarea, input, select").focus();
    },
    reset() {
      api.editing = null;
      form.reset();
      submit.textContent = label;
      show(cancel, false);
    },
    // Withdraw a contribution; if it was being edited here, stop editing it.
    async withdraw(id) {
      if (!window.confirm(t("confirm_withdraw_contribution"))) return;
      const ok = await ctx.run("withdraw_contribution", { contribution_id: id });
      if (ok && api.editing === id) api.reset();
    },
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const args = formArgs(form);
    const ok = await busy(submit, () =>
      api.editing
        ? ctx.run("edit_contribution", { contribution_id: api.editing, ...args })
        : ctx.run("contribute", { contribution_id: newId(), ...args }),
    );
    if (ok) {
      api.reset();
      announce(t("sent"));
    }
  });
  cancel.addEventListener("click", () => {
    api.reset();
    ctx.render(); // the form may hide again (one interpretation per round)
  });
  return api;
}

// "Modifier" and "Retirer" for one's own contribution (only sent for the current step).
export function ownActions(state, c, form) {
  if (c.author_id !== state.me.participant_id) return [];
  const text = excerpt(c.title || c.body || t("raised_hand"), 40);
  return [
    h("button", { type: "button", class: "secondary", "data-focus-key": `edit:${c.contribution_id}`, "aria-label": t("edit_contribution_named", { text }), onclick: () => form.edit(c.contribution_id) }, t("edit")),
    h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${c.contribution_id}`, "aria-label": t("withdraw_contribution_named", { text }), onclick: () => form.withdraw(c.contribution_id) }, t("withdraw")),
  ];
}
