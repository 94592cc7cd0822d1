// Pieces both pages share: the connection banner, notices, the step panel.

import { $, h, show } from "./dom.js";
import { t } from "./i18n.js";
import { LIMITS } from "./method.js";
import { newId } from "./connection.js";
import { currentStep } from "./store.js";

export function setStatus(status) {
  const el = $("#connection-status");
  el.dataset.status = status;
  el.textContent = status === "online" ? t("online") : t("offline");
}

export function notify(message) {
  const el = $("#notice");
  el.textContent = message;
  show(el, Boolean(message));
}

export function refused(message) {
  show($("#app"), false);
  const el = $("#refused");
  el.querySelector("p").textContent = message;
  show(el, true);
}

// Say something to screen readers without moving focus: a new step, one's turn,
// what one's own action did.
export function announce(message) {
  const el = $("#announce");
  if (!el) return;
  el.textContent = "";
  // What is announced is a change of text: cleared first, the same words are said again.
  setTimeout(() => {
    el.textContent = message;
  }, 100);
}

// The control whose command runs next (see `beside`): a refusal is shown next to it.
let errorPlace = null;

// Run `work` (which sends a command at once) so that a refusal shows beside `control`.
export function beside(control, work) {
  errorPlace = control;
  try {
    return work();
  } finally {
    errorPlace = null;
  }
}

// Run a command; show the server's message if it refuses: beside the control that
// sent it, or in the page's notice, brought into view. Returns true on success.
export async function run(connection, name, args) {
  const near = errorPlace;
  errorPlace = null;
  notify("");
  errorBeside(near, "");
  const answer = await connection.command(name, args);
  if (!answer.ok) errorBeside(near, answer.error.message);
  return answer.ok;
}

// Show `message` beside the control `near` (none: in the page's notice); "" clears it.
export function errorBeside(near, message) {
  if (!near?.isConnected) {
    notify(message);
    if (message) $("#notice").scrollIntoView({ block: "nearest" });
    return;
  }
  // After the buttons of the control's row, or its form, or the control itself.
  const host = near.closest(".actions") ?? near.closest("form") ?? near;
  let el = host.nextElementSibling?.matches(".field-error") ? host.nextElementSibling : null;
  if (!message) {
    el?.remove();
    return;
  }
  if (!el) {
    el = h("p", { class: "errors field-error", role: "alert" });
    host.after(el);
  }
  el.textContent = message;
  el.scrollIntoView({ block: "nearest" });
}

export function minutesSince(iso) {
  if (!iso) return 0;
  return Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
}

export function renderStep(state, root) {
  const step = currentStep(state);
  show(root, Boolean(step));
  if (!step) return null;
  root.querySelector("[data-field=phase]").textContent = step.phase;
  root.querySelector("[data-field=title]").textContent = t("step_heading", {
    number: step.number,
    title: step.title,
  });
  root.querySelector("[data-field=instructions]").textContent = step.instructions;
  const position = t("step_position", {
    index: state.session.step_index + 1,
    count: state.protocol.steps.length,
  });
  const time = t("step_time", {
    elapsed: minutesSince(state.session.step_started_at),
    planned: step.duration_minutes,
  });
  root.querySelector("[data-field=meta]").textContent = `${position} · ${time}`;
  return step;
}

export function pseudonym(state, participantId) {
  return state.participants[participantId]?.pseudonym ?? "";
}

// "Amina · saisi par le rapporteur", or the research team for their own words.
export function authorLabel(state, c) {
  if (!c.author_id) return t("anonymous_staff");
  const name = pseudonym(state, c.author_id);
  return c.entered_by ? `${name} · ${t(`entered_by_${c.entered_by}`)}` : name;
}

// "Récit 2 : Le guichet fermé"
export function recitTitle(state, index) {
  const proposal = state.proposals[state.recits[index]?.proposal_id];
  return t("recit_heading", { number: index + 1, title: proposal ? proposal.title : "" });
}

// "14:05" in the page's language.
export function clockTime(iso) {
  const lang = document.documentElement.lang || "fr";
  return iso ? new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }) : "";
}

export function excerpt(text, length = 60) {
  const flat = (text || "").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

export function proposalItem(proposal, state, actions = []) {
  const author = state.participants[proposal.author_id];
  return h(
    "li",
    { class: "card" },
    h("h4", { text: proposal.title }),
    h("p", { class: "body", text: proposal.body }),
    h("p", { class: "meta", text: author ? t("proposed_by", { pseudonym: author.pseudonym }) : "" }),
    proposal.entered_by ? h("p", { class: "meta", text: t(`entered_by_${proposal.entered_by}`) }) : null,
    proposal.from_fiche ? h("p", { class: "meta from-fiche", text: t("from_fiche") }) : null,
    proposal.awaiting_consent ? h("p", { class: "meta", text: t("awaiting_consent") }) : null,
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

// The narrator's answer to an information question, if given.
export function answerOf(state, question) {
  return Object.values(state.contributions).find(
    (c) => c.kind === "answer" && !c.is_withdrawn && c.replies_to[0] === question.contribution_id,
  );
}

// "Réponse de Awa · saisi par le rapporteur : …", under its question.
export function answerBlock(state, answer) {
  return h(
    "p",
    { class: "answer" },
    h("strong", { text: t("answer_by", { who: authorLabel(state, answer) }) }),
    " ",
    answer.body,
  );
}

// A form to answer one question, kept per question so that what is typed
// survives the renders that rebuild the list around it.
const answerForms = new Map();

// label(text): the field's label, from the question's opening words.
export function answerForm(connection, question, label) {
  const text = excerpt(question.body || t("raised_hand"), 50);
  const key = question.contribution_id;
  const kept = answerForms.get(key);
  if (kept) return kept;
  const id = `answer-${key}`;
  const input = h("textarea", { id, rows: 2, maxlength: LIMITS.body, required: true, "data-focus-key": id });
  const save = async (event) => {
    event.preventDefault();
    const args = { contribution_id: newId(), question_id: key, body: input.value };
    if (await run(connection, "answer_question", args)) input.value = "";
  };
  const form = h(
    "form",
    { class: "stack answer-form", onsubmit: save },
    h("label", { for: id, text: label(text) }),
    input,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", "data-focus-key": `${id}:save`, "aria-label": t("answer_save_named", { text }) }, t("answer_save")),
    ),
  );
  answerForms.set(key, form);
  return form;
}
