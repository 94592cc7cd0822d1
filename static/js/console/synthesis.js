// The console's « Synthèse et rapport »: the synthesis editor with its live
// preview and its saved versions (here), the group's review (review.js), the
// pseudonymisation, the export settings, the exports and the archive
// (publication.js). The synthesis is the team's: the server sends it to the
// staff only, and checks every command.

import { $, demoteHeadings, h, show } from "../dom.js";
import { t } from "../i18n.js";
import { publicationPart } from "./publication.js";
import { actorLabel, getJSON, getText, isArchived, isOver, postJSON, reportUrl, say, send, when } from "./report.js";
import { reviewPart } from "./review.js";
import { button, renderList } from "./ui.js";

const PREVIEW_DELAY_MS = 400;

function editorPart(ctx) {
  const text = $("#synthesis-text");
  const preview = $("#synthesis-preview");
  const message = $("#synthesis-message");
  const newer = $("#synthesis-newer");
  let state = null;
  let loaded = false; // the editor holds a version or the draft
  let loading = false;
  let baseVersion = 0; // the version the editor's text started from (0: the draft)
  let baseText = ""; // that text: anything else in the editor is unsaved
  let saving = null; // the text being saved, until the server answers
  let previewTimer = null;
  let previewAsked = 0;

  // As the server keeps a text: without surrounding blank space.
  const norm = (value) => (value ?? "").replace(/\r\n/g, "\n").trim();
  const latest = () => state?.synthesis?.versions.at(-1) ?? null;
  const dirty = () => loaded && norm(text.value) !== norm(baseText);
  const draftUrl = () => reportUrl(ctx.session, "synthese/brouillon");

  async function refreshPreview() {
    const asked = ++previewAsked;
    try {
      const { html } = await postJSON(reportUrl(ctx.session, "synthese/apercu"), { text: text.value });
      // Sanitised on the server (an allow-list of tags, no script, no event handler).
      if (asked !== previewAsked) return;
      preview.innerHTML = html;
      demoteHeadings(preview, 5); // under « Aperçu »
    } catch (error) {
      if (asked === previewAsked) say(message, error.message, { error: true });
    }
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  }

  function setText(value, version) {
    text.value = value;
    baseText = value;
    baseVersion = version;
    loaded = true;
    refreshPreview();
  }

  // The latest saved version, else the draft generated from the session.
  async function load() {
    if (loaded || loading) return;
    const last = latest();
    if (last) {
      setText(state.synthesis.text, last.version);
      return;
    }
    loading = true;
    say(message, t("console_synthesis_loading"));
    try {
      const { text: draft } = await getJSON(draftUrl());
      const now = latest(); // a colleague may have saved a version meanwhile: theirs first
      if (now) setText(state.synthesis.text, now.version);
      else setText(draft, 0);
      say(message, "");
    } catch (error) {
      setText(text.value, latest()?.version ?? 0);
      say(message, error.message, { error: true });
    } finally {
      loading = false;
      renderState();
    }
  }

  function renderState() {
    if (!state) return;
    const archived = isArchived(state);
    text.readOnly = !loaded || archived;
    $("#synthesis-save").disabled = !loaded || archived;
    $("#synthesis-draft").disabled = !loaded || archived;
    const parts = [];
    if (loaded) {
      parts.push(
        baseVersion ? t("console_synthesis_based_on", { version: baseVersion }) : t("console_synthesis_from_draft"),
      );
      if (dirty()) parts.push(t("console_synthesis_unsaved"));
    }
    $("#synthesis-state").textContent = parts.join(" · ");
    const last = latest();
    const behind = Boolean(loaded && last && last.version > baseVersion);
    show(newer, behind);
    if (behind) {
      newer.querySelector("p").textContent = t("console_synthesis_newer", {
        version: last.version,
        author: actorLabel(state, last.author),
        time: when(last.at),
      });
      $("#synthesis-reload").textContent = t("console_synthesis_reload", { version: last.version });
    }
  }

  async function save() {
    const value = text.value;
    saving = value;
    $("#synthesis-save").disabled = true;
    const answer = await send(ctx, message, "save_synthesis", { text: value, base_version: baseVersion });
    saving = null;
    if (answer.ok) say(message, t("console_synthesis_saved", { version: latest()?.version ?? "" }));
    renderState();
  }

  function reload() {
    if (dirty()) {
      $("#synthesis-kept-text").value = text.value;
      show($("#synthesis-kept"), true);
    }
    setText(state.synthesis.text, latest().version);
    say(message, "");
    renderState();
    text.focus();
  }

  async function fromDraft() {
    if (text.value.trim() && !window.confirm(t("console_confirm_draft"))) return;
    say(message, t("console_synthesis_loading"));
    try {
      const { text: draft } = await getJSON(draftUrl());
      text.value = draft;
      refreshPreview();
      say(message, t("console_synthesis_draft_loaded"));
    } catch (error) {
      say(message, error.message, { error: true });
    }
    renderState();
  }

  text.addEventListener("input", () => {
    schedulePreview();
    renderState();
  });
  $("#synthesis-save").addEventListener("click", save);
  $("#synthesis-reload").addEventListener("click", reload);
  $("#synthesis-draft").addEventListener("click", fromDraft);
  window.addEventListener("beforeunload", (event) => {
    if (dirty()) event.preventDefault(); // the browser asks before losing unsaved text
  });

  return {
    render(next) {
      state = next;
      const last = latest();
      if (loaded && last && last.version > baseVersion) {
        const saved = state.synthesis.text;
        if (norm(saved) === norm(text.value) || norm(saved) === norm(saving)) {
          baseText = saved; // our own save coming back
          baseVersion = last.version;
        } else if (!dirty()) {
          setText(saved, last.version); // a colleague's, and nothing typed here: follow it
        }
      }
      if (!loaded && $("#report-details").open) load();
      renderState();
    },
  };
}

function versionsPart(ctx) {
  const list = $("#versions-list");
  const box = $("#versions-diff");
  const content = $("#versions-diff-content");
  let shown = null;

  async function compare(version) {
    try {
      const html = await getText(reportUrl(ctx.session, `synthese/versions/${version}/comparaison`));
      content.innerHTML = html; // built on the server, every line of text escaped
    } catch (error) {
      content.replaceChildren(h("p", { class: "errors", text: error.message }));
    }
    shown = version;
    show(box, true);
    box.focus();
  }

  $("#versions-diff-close").addEventListener("click", () => {
    show(box, false);
    content.replaceChildren();
    list.querySelector(`[data-focus-key="compare:${shown}"]`)?.focus();
    shown = null;
  });

  function row({ v, author }) {
    const compareButton =
      v.version > 1
        ? button(t("console_compare_previous"), () => compare(v.version), {
            name: t("console_compare_named", { version: v.version, previous: v.version - 1 }),
            secondary: true,
            focusKey: `compare:${v.version}`,
          })
        : null;
    return h(
      "tr",
      {},
      h("th", { scope: "row", text: t("console_version_number", { version: v.version }) }),
      h("td", { text: author }),
      h("td", { text: when(v.at) }),
      h("td", {}, compareButton),
    );
  }

  return {
    render(state) {
      const versions = [...state.synthesis.versions].reverse(); // the newest first
      show($("#versions-empty"), versions.length === 0);
      show($("#versions-table"), versions.length > 0);
      renderList(
        list,
        versions.map((v) => ({ key: String(v.version), v, author: actorLabel(state, v.author) })),
        row,
      );
    },
  };
}

export function reportPanel(ctx) {
  const section = $("#report");
  const details = $("#report-details");
  const parts = [editorPart(ctx), versionsPart(ctx), reviewPart(ctx), publicationPart(ctx)];
  let opened = false;
  let last = null;

  // Once the session is over the report is the team's work: it moves up, under the title.
  function place(over) {
    const header = $(".console-header");
    const home = section.parentElement;
    if (over && section.previousElementSibling !== header) header.after(section);
    else if (!over && home.lastElementChild !== section) home.append(section);
  }

  function render(state) {
    last = state;
    const staff = Boolean(state.synthesis); // the synthesis comes to the staff only
    show(section, staff);
    if (!staff) return;
    const over = isOver(state);
    place(over);
    if (over && !opened) {
      opened = true;
      details.open = true;
    }
    for (const part of parts) part.render(state);
  }

  details.addEventListener("toggle", () => last && render(last));
  return { render };
}
