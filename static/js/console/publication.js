// Before anything leaves the server: the replacement list (names of people,
// services and places, and what stands for them) with its check, the export
// settings, the exports (exports.js), and archiving the session for good.

import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { automaticReplacements } from "../store.js";
import { t, tn } from "../i18n.js";
import { LIMITS } from "../method.js";
import { exportsPart } from "./exports.js";
import { followJob, getJSON, isArchived, postJSON, reportUrl, say, send } from "./report.js";
import { button } from "./ui.js";

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const cleaned = (rows) =>
  rows.map((r) => ({ find: r.find.trim(), replace: r.replace.trim() })).filter((r) => r.find || r.replace);

function replacementsPart(ctx) {
  const body = $("#replacements-list");
  const message = $("#replacements-message");
  const results = $("#check-results");
  let state = null;
  let rows = []; // what the table shows, typed or not; automatic lines have ``automatic``
  let touched = false; // someone typed here since the list was last saved or loaded
  let locked = false;

  const saved = () => state.replacements ?? [];
  // The table as the server sees it: each pseudonym's automatic line, then the saved list.
  const stored = (list = saved()) => [
    ...automaticReplacements({ ...state, replacements: list }).map((r) => ({ ...r, automatic: r.replace })),
    ...list.map((r) => ({ ...r })),
  ];
  // What to save: the team's lines, and an automatic line only once its replacement changed.
  const toSave = () => cleaned(rows.filter((r) => !r.automatic || r.replace.trim() !== r.automatic));

  function input(row, index, field, label) {
    return h("input", {
      type: "text",
      value: row[field],
      maxlength: LIMITS.replacement,
      autocomplete: "off",
      disabled: locked,
      readonly: field === "find" && Boolean(row.automatic),
      "aria-label": t(label, { number: index + 1 }),
      "data-focus-key": `${field}:${index}`,
      oninput: (event) => {
        rows[index][field] = event.target.value;
        touched = true;
      },
    });
  }

  function actions(row, index) {
    if (row.automatic) return h("span", { class: "meta", text: t("console_replacement_automatic") });
    if (locked) return null;
    return button(t("console_remove_row"), () => removeRow(index), {
      name: t("console_remove_row_named", { number: index + 1, name: row.find }),
      secondary: true,
    });
  }

  function build() {
    replaceKeepingFocus(
      body,
      rows.map((row, index) =>
        h(
          "tr",
          {},
          h("td", {}, input(row, index, "find", "console_replacement_find")),
          h("td", {}, input(row, index, "replace", "console_replacement_replace")),
          h("td", {}, actions(row, index)),
        ),
      ),
    );
    show($("#replacements-table"), rows.length > 0);
    show($("#replacements-empty"), rows.length === 0);
  }

  function removeRow(index) {
    rows.splice(index, 1);
    touched = true;
    build();
    (body.querySelector(`[data-focus-key="find:${Math.min(index, rows.length - 1)}"]`) ?? $("#replacement-add")).focus();
  }

  $("#replacement-add").addEventListener("click", () => {
    rows.push({ find: "", replace: "" });
    touched = true;
    build();
    body.querySelector(`[data-focus-key="find:${rows.length - 1}"]`).focus();
  });

  $("#replacements-save").addEventListener("click", async () => {
    const list = toSave();
    const answer = await send(ctx, message, "set_replacements", { replacements: list });
    if (answer.ok) {
      touched = false;
      rows = stored(list);
      build();
      say(message, tn("console_replacements_saved", list.length));
    }
  });

  $("#replacements-check").addEventListener("click", async () => {
    results.replaceChildren();
    if (touched && !same(toSave(), saved())) {
      say(message, t("console_check_save_first"), { error: true });
      return;
    }
    if (stored().length === 0) {
      say(message, t("console_check_empty_list"));
      return;
    }
    say(message, t("console_checking"));
    try {
      const hits = await getJSON(reportUrl(ctx.session, "pseudonymisation/verification"));
      say(message, "");
      results.replaceChildren(...checkResults(hits));
    } catch (error) {
      say(message, error.message, { error: true });
    }
  });

  return {
    render(next) {
      state = next;
      const wasLocked = locked;
      locked = isArchived(state);
      for (const id of ["#replacement-add", "#replacements-save"]) show($(id), !locked);
      // Follow the saved list (a colleague's change, a newcomer) unless someone is typing here.
      if ((!touched && !same(rows, stored())) || wasLocked !== locked) {
        if (!touched) rows = stored();
        build();
      }
    },
  };
}

function checkResults(hits) {
  if (hits.length === 0) return [h("p", { class: "report-ok", text: t("console_check_clean") })];
  const head = ["console_check_place", "console_check_speaker", "console_check_found", "console_check_name", "console_check_excerpt"];
  return [
    h("p", { class: "report-warning", text: tn("console_check_hits", hits.length) }),
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, head.map((key) => h("th", { scope: "col", text: t(key) })))),
        h(
          "tbody",
          {},
          hits.map((hit) =>
            h(
              "tr",
              {},
              h("td", { text: hit.place }),
              h("td", { text: hit.speaker || "—" }),
              h("td", {}, h("mark", { text: hit.found })),
              h("td", { text: hit.name }),
              h("td", { class: "report-excerpt", text: hit.excerpt }),
            ),
          ),
        ),
      ),
    ),
  ];
}

function settingsPart(ctx) {
  const form = $("#settings-form");
  const message = $("#settings-message");
  const date = $("#retention-until");
  const language = $("#report-language");
  let state = null;
  let touched = false;

  const radios = (name) => [...form.querySelectorAll(`input[name=${name}]`)];
  const chosen = (name) => radios(name).find((input) => input.checked)?.value;

  function fill(settings) {
    for (const name of ["attribution", "withdrawal"]) {
      for (const input of radios(name)) input.checked = input.value === settings[name];
    }
    date.value = settings.retention_until ?? "";
    language.value = settings.language;
  }

  form.addEventListener("input", () => {
    touched = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const current = state.settings;
    const wanted = { attribution: chosen("attribution"), withdrawal: chosen("withdrawal"), retention_until: date.value || null, language: language.value };
    const changes = {};
    for (const [name, value] of Object.entries(wanted)) {
      if (value !== undefined && value !== (current[name] ?? null)) changes[name] = value;
    }
    if (Object.keys(changes).length === 0) {
      say(message, t("console_settings_unchanged"));
      return;
    }
    const answer = await send(ctx, message, "change_settings", changes);
    if (answer.ok) {
      touched = false;
      say(message, t("console_settings_saved"));
    }
  });

  return {
    render(next) {
      state = next;
      const steering = ctx.steering();
      const archived = isArchived(state);
      if (!touched || !steering) fill(state.settings);
      // An archived session keeps its settings; only how long it is kept may change.
      for (const name of ["attribution", "withdrawal"]) {
        for (const input of radios(name)) input.disabled = !steering || archived;
      }
      language.disabled = !steering || archived;
      date.disabled = !steering;
      show($("#settings-save"), steering);
      show($("#settings-note"), !steering);
    },
  };
}

function archiveProgress(job) {
  if (job.state === "queued") return t("console_archive_queued");
  const { done, total } = job.progress;
  return total ? t("console_archive_progress", { done, total }) : t("console_archiving");
}

function archivePart(ctx) {
  const message = $("#archive-message");
  let state = null;

  $("#archive").addEventListener("click", async () => {
    if (!window.confirm(t("console_confirm_archive"))) return;
    const archiveButton = $("#archive");
    archiveButton.disabled = true;
    say(message, t("console_archiving"));
    try {
      // Rendered on the server in a job of its own; the session's browsers
      // receive session_archived once it is done.
      const { job } = await postJSON(reportUrl(ctx.session, "archiver"));
      const done = await followJob(job, (current) => say(message, archiveProgress(current)));
      say(message, t("console_archive_done"));
      showFolder(done.folder);
    } catch (error) {
      say(message, error.message, { error: true });
    }
    archiveButton.disabled = false;
  });

  function showFolder(folder) {
    $("#archive-folder").textContent = folder;
    show($("#archive-done"), Boolean(folder));
  }

  return {
    render(next) {
      state = next;
      const { status } = state.session;
      const steering = ctx.steering();
      show($("#archive"), steering && status === "ended");
      let hint = t("console_archive_after_end");
      if (status === "ended") hint = steering ? t("console_archive_hint") : t("console_archive_steering");
      if (status === "archived") hint = "";
      $("#archive-hint").textContent = hint;
      if (status === "archived") showFolder(state.archive_folder);
    },
  };
}

export function publicationPart(ctx) {
  const parts = [replacementsPart(ctx), settingsPart(ctx), exportsPart(ctx), archivePart(ctx)];
  return {
    render(state) {
      for (const part of parts) part.render(state);
    },
  };
}
