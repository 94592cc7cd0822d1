// After the session, on the participant's page: the synthesis to reread,
// section by section, with a comment or another wording under each, and the
// approval of the version open for validation; and, from the convention's
// acceptance until the archive, withdrawing one's participation.
//
// The synthesis comes from GET /seance/<session>/synthese as it will leave the
// server (names replaced, withdrawn words taken out), already sanitised there
// by an allow-list (mag/report/markdown.py): it is the only HTML this page
// inserts that it did not build itself.

import { newId } from "./connection.js";
import { $, demoteHeadings, h, replaceKeepingFocus, show } from "./dom.js";
import { t } from "./i18n.js";
import { LIMITS } from "./method.js";
import { byTime } from "./store.js";
import { clockTime } from "./common.js";

const MODES = ["comment", "amendment"];

function me(state) {
  return state.me?.participant_id ?? null;
}

export function isWithdrawn(state) {
  return Boolean(state.admitted && state.participants?.[me(state)]?.withdrawn);
}

// The latest version this participant approved (0: none).
function approvedVersion(state) {
  const mine = (state.validation?.approvals ?? []).filter((a) => a.participant_id === me(state));
  return Math.max(0, ...mine.map((a) => a.version));
}

function hasApproved(state, version) {
  return (state.validation?.approvals ?? []).some((a) => a.participant_id === me(state) && a.version === version);
}

// Send a command and give back the server's answer (its refusal is shown by the caller, in place).
async function send(connection, name, args) {
  try {
    return await connection.command(name, args);
  } catch {
    return { ok: false, error: { message: t("review_not_sent") } };
  }
}

// A line shown only when it has something to say (an error, a note).
function note(el, message) {
  el.textContent = message || "";
  show(el, Boolean(message));
}
const setError = note;

// The sanitised HTML of a section as nodes: its headings one level under the
// panel's, its ids (and the links to them) prefixed so they never meet the page's.
function sectionNodes(html, prefix) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const content = template.content;
  for (const el of content.querySelectorAll("[id]")) el.id = `${prefix}${el.id}`;
  for (const a of content.querySelectorAll('a[href^="#"]')) a.setAttribute("href", `#${prefix}${a.getAttribute("href").slice(1)}`);
  // A link out opens beside the page: the live page stays where it is.
  for (const a of content.querySelectorAll('a[href^="http"]')) Object.assign(a, { target: "_blank", rel: "noopener noreferrer" });
  demoteHeadings(content, 3);
  return content;
}

// ------------------------------------------------------------------ the review panel

export function afterSession(connection) {
  const sessionId = $("#app").dataset.session;
  let loaded = null; // {version, sections} of the version on screen
  let loading = null; // the version being fetched
  let failed = null; // the version whose fetch failed (retried on demand)
  const forms = new Map(); // "<section id>:<mode>" -> {title, mode, form, textarea, toggle, commentId, status, error}

  async function load(version) {
    loading = version;
    failed = null;
    setError($("#review-failed-message"), "");
    show($("#review-failed"), false);
    show($("#review-loading"), true);
    try {
      const response = await fetch(`/seance/${encodeURIComponent(sessionId)}/synthese`, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => null);
      if (!response.ok || !body || !Array.isArray(body.sections)) {
        throw new Error(body?.error?.message || t("review_unavailable"));
      }
      build(body);
    } catch (error) {
      failed = version;
      $("#review-failed-message").textContent = error instanceof TypeError ? t("review_unavailable") : error.message;
      show($("#review-failed"), true);
    } finally {
      loading = null;
      show($("#review-loading"), false);
      if (connection.state) render(connection.state);
    }
  }

  // One <section> per part of the synthesis, with its two forms: built once per version.
  function build(draft) {
    // What someone was typing stays, if the new version still has that section.
    const drafts = new Map();
    for (const f of forms.values()) {
      const key = `${f.title}:${f.mode}`;
      if (!drafts.has(key)) drafts.set(key, { text: f.textarea.value, open: !f.form.hidden, commentId: f.commentId });
    }
    forms.clear();
    loaded = draft;
    $("#review-version").textContent = t("review_version", { version: draft.version });
    $("#review-sections").replaceChildren(
      ...draft.sections.map((section) => {
        const content = sectionNodes(section.html, `rv-${section.id}-`);
        const toggles = h("div", { class: "actions r-toggles" });
        const mine = h("ul", { class: "cards r-mine", "aria-label": t("review_mine_named", { section: section.title }) });
        const entries = MODES.map((mode) => {
          const entry = sectionForm(section, mode, drafts.get(`${section.title}:${mode}`));
          drafts.delete(`${section.title}:${mode}`); // a title found twice keeps its draft once
          forms.set(`${section.id}:${mode}`, entry);
          toggles.append(entry.toggle);
          return entry;
        });
        return h(
          "section",
          // A region named by the section's title, as the comments name it ("Introduction" before the first heading).
          { class: "card r-section", "data-section": section.title, "aria-label": section.title },
          // The text folded, so that every part, and what one may do with it, is a short scroll away.
          h("details", { class: "r-text" }, h("summary", { text: t("review_read", { section: section.title }) }), content),
          toggles,
          entries.map((e) => e.status),
          entries.map((e) => e.form),
          mine,
        );
      }),
    );
  }

  function sectionForm(section, mode, kept) {
    const key = `${section.id}-${mode}`;
    const textareaId = `rv-${key}-body`;
    const helpId = `rv-${key}-help`;
    const entry = { title: section.title, mode, commentId: kept?.commentId ?? newId() };
    const textarea = h("textarea", { id: textareaId, name: "body", rows: 5, maxlength: LIMITS.body, required: true, "aria-describedby": helpId });
    textarea.value = kept?.text ?? "";
    const submit = h("button", { type: "submit" }, t(`review_send_${mode}`));
    const cancel = h("button", { type: "button", class: "secondary" }, t("review_cancel"));
    const error = h("p", { class: "errors", role: "alert", hidden: true });
    const form = h(
      "form",
      { id: `rv-${key}-form`, class: "stack r-form", hidden: !kept?.open, "data-mode": mode },
      h("label", { for: textareaId, text: t(`review_${mode}_label`, { section: section.title }) }),
      h("p", { id: helpId, class: "meta", text: t(`review_${mode}_help`) }),
      textarea,
      error,
      h("div", { class: "actions" }, submit, cancel),
    );
    const toggle = h(
      "button",
      {
        type: "button",
        class: "secondary",
        "aria-expanded": kept?.open ? "true" : "false",
        "aria-controls": form.id,
        "aria-label": t(`review_${mode}_named`, { section: section.title }),
        "data-focus-key": `rv-${key}`,
      },
      t(`review_${mode}`),
    );
    const status = h("p", { class: "p-done r-sent", role: "status" });
    Object.assign(entry, { form, textarea, toggle, error, status });

    const open = (visible) => {
      show(form, visible);
      toggle.setAttribute("aria-expanded", visible ? "true" : "false");
      if (visible) {
        status.textContent = "";
        textarea.focus();
      }
    };
    toggle.addEventListener("click", () => open(form.hidden));
    cancel.addEventListener("click", () => {
      open(false);
      setError(error, "");
      toggle.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) return setError(error, t("review_empty"));
      setError(error, "");
      submit.disabled = true;
      // The same comment id on every attempt: sent twice, it is stored once.
      const answer = await send(connection, "comment_synthesis", {
        comment_id: entry.commentId,
        version: loaded.version,
        section: section.title,
        body,
        amendment: mode === "amendment",
      });
      submit.disabled = false;
      if (answer.ok || answer.error?.code === "duplicate_id") {
        entry.commentId = newId();
        form.reset();
        open(false);
        status.textContent = t(`review_sent_${mode}`);
        toggle.focus();
      } else {
        setError(error, answer.error?.message);
      }
    });
    return entry;
  }

  // The participant's own comments under each section, with the team's answer to an amendment.
  function renderMine(state) {
    const comments = Object.values(state.comments ?? {})
      .filter((c) => c.participant_id === me(state))
      .sort(byTime);
    for (const box of $("#review-sections").querySelectorAll(".r-section")) {
      const title = box.dataset.section;
      const list = box.querySelector(".r-mine");
      const here = comments.filter((c) => c.section === title);
      show(list, here.length > 0);
      replaceKeepingFocus(
        list,
        here.map((c) => {
          const status = c.is_amendment ? c.status || "pending" : "";
          const meta = [
            c.version !== loaded?.version ? t("review_on_version", { version: c.version }) : "",
            clockTime(c.at),
            c.entered_by ? t(`entered_by_${c.entered_by}`) : "",
          ].filter(Boolean);
          return h(
            "li",
            { class: `card r-comment${status ? ` r-${status}` : ""}` },
            h("p", { class: "badge", text: t(c.is_amendment ? "review_kind_amendment" : "review_kind_comment") }),
            h("p", { class: "body", text: c.body }),
            status ? h("p", { class: "r-status", text: t(`review_status_${status}`) }) : null,
            h("p", { class: "meta", text: meta.join(" · ") }),
          );
        }),
      );
    }
  }

  function renderApproval(state, current) {
    const version = loaded?.version;
    const done = current && hasApproved(state, version);
    const before = approvedVersion(state);
    show($("#review-approval"), current);
    show($("#review-approve"), current && !done);
    $("#review-approved").textContent = done ? t("review_approved", { version }) : "";
    const newer = current && !done && before > 0;
    show($("#review-newer"), newer);
    $("#review-newer").textContent = newer ? t("review_newer", { previous: before, version }) : "";
  }

  $("#review-retry").addEventListener("click", () => {
    const state = connection.state;
    if (state?.validation?.is_open) load(state.validation.version);
  });

  $("#review-approve").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    if (!loaded) return;
    setError($("#review-approve-error"), "");
    button.disabled = true;
    const answer = await send(connection, "approve_synthesis", { version: loaded.version });
    button.disabled = false;
    if (!answer.ok && answer.error?.code !== "already_approved") setError($("#review-approve-error"), answer.error?.message);
    if (connection.state) render(connection.state);
    if (answer.ok) $("#review-approved").focus(); // the button is gone: say what happened
  });

  // ---------------------------------------------------------------- withdrawal

  const confirmBox = $("#withdraw-confirm");
  const startButton = $("#withdraw-start");
  const openConfirm = (visible) => {
    show(confirmBox, visible);
    startButton.setAttribute("aria-expanded", visible ? "true" : "false");
    setError($("#withdraw-error"), "");
    if (visible) $("#withdraw-confirm-heading").focus();
  };
  startButton.addEventListener("click", () => openConfirm(confirmBox.hidden));
  $("#withdraw-cancel").addEventListener("click", () => {
    openConfirm(false);
    startButton.focus();
  });
  $("#withdraw-confirm-yes").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    const answer = await send(connection, "withdraw_consent", {});
    button.disabled = false;
    if (!answer.ok) return setError($("#withdraw-error"), answer.error?.message);
    openConfirm(false);
    // The event already came back with the answer; if it did not, fetch the state again.
    if (!isWithdrawn(connection.state)) await connection.sync({ full: true });
    $("#withdrawn-heading").focus();
  });

  // ---------------------------------------------------------------- render

  // Returns what the page around needs: whether the person withdrew, whether the review is on.
  function render(state) {
    const admitted = Boolean(state.admitted);
    const status = state.session.status;
    const withdrawn = isWithdrawn(state);
    const archived = status === "archived";
    const validation = state.validation ?? { is_open: false, version: null };
    const reviewing = admitted && !withdrawn && status === "ended" && Boolean(validation.is_open);

    show($("#withdrawn"), withdrawn);
    show($("#archived"), admitted && archived);
    show($("#withdrawal"), admitted && !withdrawn && !archived);
    if (!admitted || withdrawn || archived) openConfirmIfShown(false);

    show($("#review"), reviewing);
    if (reviewing) {
      const version = validation.version;
      if (loaded?.version !== version && loading !== version && failed !== version) load(version);
      const current = Boolean(loaded) && loaded.version === version;
      show($("#review-loading"), loading !== null);
      show($("#review-sections"), current);
      show($("#review-version"), current);
      if (current) renderMine(state);
      renderApproval(state, current);
    }

    // Once the review is over: what this person approved, under the end or the archive notice.
    const last = admitted ? approvedVersion(state) : 0;
    const closedNote = last ? t("review_approved", { version: last }) : "";
    note($("#review-closed"), !reviewing && status === "ended" ? closedNote : "");
    note($("#archived-approved"), archived && !withdrawn ? closedNote : "");
    return { withdrawn, reviewing };
  }

  function openConfirmIfShown(visible) {
    if (!confirmBox.hidden) openConfirm(visible);
  }

  return { render };
}
