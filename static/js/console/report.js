// What the console's « Synthèse et rapport » modules share: its few HTTP calls
// (same origin, the session cookies go with them; a refusal comes back as the
// server's sentence, thrown as an Error), following a job the server runs,
// messages next to their controls, and how the part names people and times.

import { t } from "../i18n.js";
import { followJob as follow } from "../jobs.js";

async function call(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", ...options });
  } catch {
    throw new Error(t("console_http_offline"));
  }
  if (response.ok) return response;
  let message = "";
  try {
    message = (await response.json())?.error?.message ?? "";
  } catch {
    // not JSON: a page (404, 500); say it in our words
  }
  throw new Error(message || t("console_http_error", { status: response.status }));
}

export async function getJSON(url) {
  return (await call(url, { headers: { Accept: "application/json" } })).json();
}

export async function postJSON(url, payload = {}) {
  const response = await call(url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  return response.json();
}

export async function getText(url) {
  return (await call(url)).text();
}

// Follow a job the server runs in a process of its own (an export, the archive)
// until it ends: see ../jobs.js.
export function followJob(job, onChange) {
  return follow(job, onChange, {
    poll: async (url) => (await getJSON(url)).job,
    failed: t("console_job_failed"),
  });
}

// The base of the report routes for this session.
export function reportUrl(session, path) {
  return `/animer/${encodeURIComponent(session)}/${path}`;
}

export function isOver(state) {
  return state.session.status === "ended" || state.session.status === "archived";
}

export function isArchived(state) {
  return state.session.status === "archived";
}

// Who an event's actor key is: "animateur" (the creator) or "<role>:<member id>".
export function actorLabel(state, key) {
  const [role, memberId] = String(key ?? "").split(":");
  const roleLabel = ["animateur", "rapporteur"].includes(role) ? t(`role_${role}`) : t("anonymous_staff");
  const name = memberId ? state.members?.[memberId]?.name : "";
  return name ? t("console_member_named", { name, role: roleLabel }) : roleLabel;
}

// "01/12/2026 14:05" in the page's language.
export function when(iso) {
  const lang = document.documentElement.lang || "fr";
  return iso ? new Date(iso).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" }) : "";
}

// A message next to the control it is about (a refusal, a confirmation).
export function say(el, message, { error = false } = {}) {
  el.textContent = message;
  el.classList.toggle("is-error", Boolean(message) && error);
}

// Send a command; say the server's refusal next to the control. Returns the answer.
export async function send(ctx, el, name, args = {}) {
  say(el, "");
  const answer = await ctx.connection.command(name, args);
  if (!answer.ok) say(el, answer.error.message, { error: true });
  return answer;
}
