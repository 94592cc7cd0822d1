// The group's review of the synthesis, seen from the console: open it on a
// saved version once the session has ended, see where each participant
// stands, approve for someone without a device, read the comments by section
// and keep or set aside each amendment.

import { clockTime, excerpt, pseudonym } from "../common.js";
import { $, h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { isArchived, send } from "./report.js";
import { button, renderList } from "./ui.js";

// How mag/report/markdown.py names a section: "s<index>-<slug of its ## title>".
function slug(title) {
  const words = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return words.slice(0, 40) || "introduction";
}

// Section id → its title, from a text's "##" headings (a comment may name either).
function sectionTitles(text) {
  const titles = {};
  let index = 0;
  let inCode = false;
  for (const line of (text || "").split("\n")) {
    if (line.trimStart().startsWith("```")) inCode = !inCode;
    const heading = inCode ? null : line.match(/^##\s+(.+?)\s*#*\s*$/);
    if (heading) {
      index += 1;
      titles[`s${index}-${slug(heading[1])}`] = heading[1];
    }
  }
  return titles;
}

function personLabel(state, participantId) {
  const name = pseudonym(state, participantId);
  return state.participants[participantId]?.withdrawn ? t("console_withdrawn_named", { pseudonym: name }) : name;
}

// What the "Où en est cette personne" cell says.
function standing(state, id) {
  const p = state.participants[id];
  if (p.withdrawn) return t("console_review_withdrawn");
  const { version } = state.validation;
  const approvals = state.validation.approvals.filter((a) => a.participant_id === id);
  const comments = Object.values(state.comments).filter((c) => c.participant_id === id);
  const parts = [];
  if (approvals.some((a) => a.version === version)) parts.push(t("console_review_approved", { version }));
  else if (approvals.length) {
    const older = Math.max(...approvals.map((a) => a.version));
    parts.push(t("console_review_approved_older", { version: older }));
  }
  const remarks = comments.filter((c) => !c.is_amendment).length;
  const pending = comments.filter((c) => c.is_amendment && c.status === "pending").length;
  if (remarks) parts.push(tn("console_review_comments", remarks));
  if (pending) parts.push(tn("console_review_pending", pending));
  return parts.length ? parts.join(" · ") : t("console_review_not_yet");
}

export function reviewPart(ctx) {
  const message = $("#validation-message");
  let state = null;

  $("#validation-open").addEventListener("click", () => {
    const version = state.synthesis.versions.at(-1)?.version;
    if (version) send(ctx, message, "open_validation", { version });
  });
  $("#validation-close").addEventListener("click", () => send(ctx, message, "close_validation"));

  function approveFor(id) {
    const { version } = state.validation;
    const name = pseudonym(state, id);
    if (window.confirm(t("console_confirm_approve_for", { pseudonym: name, version }))) {
      send(ctx, message, "approve_synthesis", { version, on_behalf_of: id });
    }
  }

  function withdrawFor(id) {
    if (window.confirm(t("console_confirm_withdraw_for", { pseudonym: pseudonym(state, id) }))) {
      send(ctx, message, "withdraw_consent", { on_behalf_of: id });
    }
  }

  function personRow({ key: id, name, where, canApprove, canWithdraw }) {
    return h(
      "tr",
      {},
      h("th", { scope: "row", text: name }),
      h("td", { text: where }),
      h(
        "td",
        {},
        h(
          "div",
          { class: "actions console-row-actions" },
          canApprove
            ? button(t("console_approve_for", { pseudonym: name }), () => approveFor(id), {
                focusKey: `approve:${id}`,
              })
            : null,
          canWithdraw
            ? button(t("console_withdraw_for_short"), () => withdrawFor(id), {
                name: t("console_withdraw_for", { pseudonym: name }),
                secondary: true,
                focusKey: `withdraw:${id}`,
              })
            : null,
        ),
      ),
    );
  }

  function commentItem(c) {
    const who = personLabel(state, c.participant_id);
    const meta = [
      who,
      c.entered_by ? t(`entered_by_${c.entered_by}`) : null,
      t("console_version_number", { version: c.version }),
      clockTime(c.at),
    ].filter(Boolean);
    const what = excerpt(c.body);
    const settle = (status) => send(ctx, message, "settle_amendment", { comment_id: c.id, status });
    const pending = c.is_amendment && c.status === "pending" && !isArchived(state);
    return h(
      "li",
      { class: `card console-entry report-comment${c.is_amendment ? ` is-amendment is-${c.status}` : ""}` },
      h(
        "p",
        { class: "meta" },
        h("span", { class: "badge console-badge report-kind", text: c.is_amendment ? t("console_amendment") : t("console_comment") }),
        " ",
        meta.join(" · "),
        c.is_amendment ? h("span", { class: "report-status", text: ` · ${t(`console_amendment_${c.status}`)}` }) : null,
      ),
      h("p", { class: "body", text: c.body }),
      pending
        ? h(
            "div",
            { class: "actions" },
            button(t("console_keep_amendment"), () => settle("accepted"), {
              name: t("console_keep_amendment_named", { pseudonym: who, text: what }),
              focusKey: `keep:${c.id}`,
            }),
            button(t("console_decline_amendment"), () => settle("declined"), {
              name: t("console_decline_amendment_named", { pseudonym: who, text: what }),
              secondary: true,
              focusKey: `decline:${c.id}`,
            }),
          )
        : null,
    );
  }

  function sectionGroup({ title, comments }) {
    const list = h("ul", { class: "cards console-list" });
    list.append(...comments.map((c) => commentItem(c)));
    return h("section", { class: "report-section-comments" }, h("h5", { text: title }), list);
  }

  function renderControls() {
    const steering = ctx.steering();
    const { status } = state.session;
    const { is_open: open, version } = state.validation;
    const latest = state.synthesis.versions.at(-1)?.version ?? 0;
    if (open) $("#validation-state").textContent = t("console_validation_open", { version });
    else if (version) $("#validation-state").textContent = t("console_validation_closed", { version });
    else $("#validation-state").textContent = t("console_validation_none");

    let hint = "";
    if (status === "lobby" || status === "running") hint = t("console_validation_after_end");
    else if (status === "archived") hint = "";
    else if (!latest) hint = t("console_validation_needs_version");
    else if (open && latest > version) hint = t("console_validation_newer", { version: latest });
    $("#validation-hint").textContent = hint;

    const openable = steering && status === "ended" && latest > 0 && !(open && version === latest);
    show($("#validation-open"), openable);
    $("#validation-open").textContent = t("console_open_validation", { version: latest });
    show($("#validation-close"), steering && open && status !== "archived");
  }

  return {
    render(next) {
      state = next;
      renderControls();
      const { is_open: open, version } = state.validation;
      const archived = isArchived(state);
      const ids = Object.keys(state.participants).filter(
        (id) => state.participants[id].has_accepted || state.participants[id].withdrawn,
      );
      show($("#validation-table"), ids.length > 0);
      renderList(
        $("#validation-list"),
        ids.map((id) => {
          const p = state.participants[id];
          const approved = state.validation.approvals.some((a) => a.participant_id === id && a.version === version);
          return {
            key: id,
            name: personLabel(state, id),
            where: standing(state, id),
            canApprove: Boolean(open && !archived && !approved && !p.withdrawn && p.entered_by),
            canWithdraw: Boolean(!archived && !p.withdrawn && p.entered_by),
          };
        }),
        personRow,
      );

      // Comments by section, in the order of the synthesis' headings, then by time.
      const titles = sectionTitles(state.synthesis.text);
      const order = Object.keys(titles);
      const comments = Object.entries(state.comments)
        .map(([id, c]) => ({ ...c, id }))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const groups = new Map();
      for (const c of comments) {
        if (!groups.has(c.section)) groups.set(c.section, []);
        groups.get(c.section).push(c);
      }
      const rank = (section) => {
        const index = order.indexOf(section);
        const byTitle = Object.values(titles).indexOf(section);
        return index >= 0 ? index : byTitle >= 0 ? byTitle : order.length;
      };
      const sections = [...groups.keys()].sort((a, b) => rank(a) - rank(b));
      show($("#comments-empty"), comments.length === 0);
      renderList(
        $("#comments-list"),
        sections.map((section) => ({
          key: section,
          title: titles[section] ?? (section && !/^s0-/.test(section) ? section : t("console_section_intro")),
          comments: groups.get(section),
          names: groups.get(section).map((c) => personLabel(state, c.participant_id)),
          archived,
        })),
        sectionGroup,
      );
    },
  };
}
