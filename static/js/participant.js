// The participant's screen, phone first: the convention to accept, then the
// current step and what is expected of them now. One render function per step
// kind (SCREENS). The forms live in the template and are never rebuilt, so a
// re-render after an event never loses what someone is typing.

import { renderBoard } from "./board.js";
import { Connection, newId } from "./connection.js";
import { $, h, replaceKeepingFocus, show } from "./dom.js";
import { t, tn } from "./i18n.js";
import { CONTRIBUTION_KINDS, LEVELS, LIMITS, NARRATOR_KINDS } from "./method.js";
import {
  answerBlock,
  answerForm,
  answerOf,
  authorLabel,
  clockTime,
  excerpt,
  notify,
  proposalItem,
  pseudonym,
  recitTitle,
  refused,
  renderStep,
  run,
  setStatus,
} from "./common.js";
import { afterSession } from "./review.js";
import { renderRound } from "./round.js";
import { byTime, contributionsHere, currentRound, currentStep, isRevealedHere, speakerOf } from "./store.js";

const root = $("#app");
const connection = new Connection({
  session: root.dataset.session,
  role: "participant",
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

// The synthesis to reread and approve, and withdrawing one's participation (static/js/review.js).
const after = afterSession(connection);

// Steps where the narrator alone speaks: what they write there.
const NARRATOR_WRITES = Object.fromEntries(
  Object.entries(CONTRIBUTION_KINDS).filter(([, kind]) => NARRATOR_KINDS.has(kind)),
);
// Steps that only ask to listen, with their own explanation.
const LISTENING = new Set(["narration", "stakes", "reactions"]);
// Steps where the narrator has a part of their own.
const NARRATOR_PART = new Set(["narration", "stakes", "questions", "round", "reactions"]);

// ------------------------------------------------------------------ helpers

// The board items of the current récit (all outside the récits), in the board's order: [[id, item]].
function boardItems(state) {
  const recit = state.session.recit_index ?? null;
  return Object.entries(state.board)
    .filter(([, item]) => recit === null || (item.recit ?? null) === recit)
    .sort(([, a], [, b]) => a.position - b.position);
}


function contributionItem(state, c, { cls = "", badge = "", extra = [], actions = [], current = false } = {}) {
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

async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

// Checkboxes or radios, rebuilt only when the choices change: what was ticked stays ticked.
function syncChoices(container, type, name, choices) {
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

function checkedValues(container) {
  return [...container.querySelectorAll("input:checked")].map((input) => input.value);
}

// A select's options, rebuilt only when they change; the chosen one stays chosen.
function syncOptions(select, placeholder, options) {
  const key = JSON.stringify([placeholder, options]);
  if (select.dataset.key === key) return;
  select.dataset.key = key;
  const value = select.value;
  select.replaceChildren(h("option", { value: "" }, placeholder), ...options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = options.some((o) => o.value === value) ? value : "";
}

function boardChoices(state) {
  return boardItems(state).map(([id, item]) => ({ value: id, label: item.title, detail: t(`board_kind_${item.kind}`) }));
}

function linkedItems(state, c) {
  const titles = c.links.map((id) => state.board[id]?.title).filter(Boolean);
  return titles.length ? h("p", { class: "meta", text: t("linked_items", { titles: titles.join(" ; ") }) }) : null;
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

// A form that adds a contribution, or edits one of the person's own.
// Its fields are named after the command's arguments.
function contributionForm(selector) {
  const form = $(selector);
  const submit = form.querySelector("[type=submit]");
  const cancel = form.querySelector(".cancel-edit");
  const label = submit.textContent;
  const api = {
    form,
    editing: null,
    edit(id) {
      const c = connection.state.contributions[id];
      if (!c) return;
      api.editing = id;
      fillForm(form, c);
      submit.textContent = t("save_changes");
      show(cancel, true);
      show(form, true);
      form.querySelector("textarea, input, select").focus();
    },
    reset() {
      api.editing = null;
      form.reset();
      submit.textContent = label;
      show(cancel, false);
    },
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const args = formArgs(form);
    const ok = await busy(submit, () =>
      api.editing
        ? run(connection, "edit_contribution", { contribution_id: api.editing, ...args })
        : run(connection, "contribute", { contribution_id: newId(), ...args }),
    );
    if (ok) api.reset();
  });
  cancel.addEventListener("click", () => {
    api.reset();
    render(connection.state);
  });
  return api;
}

const interpretationForm = contributionForm("#interpretation-form");
const narratorForm = contributionForm("#narrator-form");
const questionForm = contributionForm("#question-form");
const suggestionForm = contributionForm("#suggestion-form");
const theoryForm = contributionForm("#theory-form");
const hypothesisForm = contributionForm("#hypothesis-form");
const perspectiveForm = contributionForm("#perspective-form");
const FORMS = [interpretationForm, narratorForm, questionForm, suggestionForm, theoryForm, hypothesisForm, perspectiveForm];

// "Modifier" and "Retirer" for one's own contribution (only sent for the current step).
function ownActions(state, c, form) {
  if (c.author_id !== state.me.participant_id) return [];
  const text = excerpt(c.title || c.body || t("raised_hand"), 40);
  return [
    h("button", { type: "button", class: "secondary", "data-focus-key": `edit:${c.contribution_id}`, "aria-label": t("edit_contribution_named", { text }), onclick: () => form.edit(c.contribution_id) }, t("edit")),
    h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${c.contribution_id}`, "aria-label": t("withdraw_contribution_named", { text }), onclick: () => withdrawContribution(c.contribution_id, form) }, t("withdraw")),
  ];
}

// The narrator takes back an answer (and may give another one).
function withdrawButton(c) {
  const text = excerpt(c.body, 40);
  return h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${c.contribution_id}`, "aria-label": t("withdraw_contribution_named", { text }), onclick: () => withdrawContribution(c.contribution_id, questionForm) }, t("withdraw"));
}

async function withdrawContribution(id, form) {
  if (!window.confirm(t("confirm_withdraw_contribution"))) return;
  const ok = await run(connection, "withdraw_contribution", { contribution_id: id });
  if (ok && form.editing === id) form.reset();
}

// ------------------------------------------------------------------ the page

let place = null; // where the last render was: leaving it drops edits (never drafts)

function render(state) {
  show($("#convention"), !state.admitted);
  $("#convention-text").textContent = state.session.convention.text;
  const status = state.session.status;
  const { withdrawn, reviewing } = after.render(state);
  show($("#session-live"), !withdrawn); // once withdrawn, the page offers nothing else
  show($("#lobby"), state.admitted && status === "lobby");
  show($("#ended"), state.admitted && status === "ended" && !reviewing);
  if (!state.admitted || withdrawn) return;
  const me = state.me.participant_id;
  $("#welcome").textContent = t("welcome", { pseudonym: pseudonym(state, me) });
  const step = status === "running" ? renderStep(state, $("#step")) : null;
  if (!step) show($("#step"), false);

  const here = `${state.session.step_index}:${state.session.recit_index}:${status}`;
  if (here !== place) {
    place = here;
    for (const form of FORMS) if (form.editing) form.reset();
    if (editing) resetProposalForm();
  }

  renderNarratorPrompt(state, me);
  renderRecit(state, step);
  const recit = state.session.recit_index;
  const isNarrator = recit !== null && recit !== undefined && state.recits[recit]?.narrator_id === me;
  const ctx = {
    me,
    isNarrator,
    contributes: Boolean(step) && (step.contributors.includes("participants") || (isNarrator && step.contributors.includes("narrateur"))),
  };
  if (step) $("#expected").textContent = expectation(step, ctx);
  const section = step && SECTIONS[step.kind];
  for (const selector of new Set(Object.values(SECTIONS))) show($(selector), selector === section);
  renderNotes(state, step);
  if (section) SCREENS[step.kind](state, step, ctx);
}

function expectation(step, { isNarrator, contributes }) {
  if (isNarrator && NARRATOR_PART.has(step.kind)) return t(`expect_narrator_${step.kind}`);
  return t(contributes || LISTENING.has(step.kind) ? `expect_${step.kind}` : "expect_listen");
}

// A chosen narrator agrees (or not) to tell their récit, whatever the step, until the récits start.
function renderNarratorPrompt(state, me) {
  const open = state.session.status !== "ended" && state.session.recit_index === null;
  const pending = open ? state.recits.map((r, index) => ({ ...r, index })).filter((r) => r.narrator_id === me && r.accepted === null) : [];
  show($("#narrator-prompt"), pending.length > 0);
  replaceKeepingFocus(
    $("#narrator-prompt-list"),
    pending.map((r) =>
      h(
        "li",
        { class: "card" },
        h("p", { class: "lead", text: t("chosen_to_narrate", { title: state.proposals[r.proposal_id]?.title ?? "" }) }),
        h("p", { class: "meta", text: t("chosen_to_narrate_help") }),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", "data-focus-key": `accept:${r.index}`, onclick: (e) => busy(e.currentTarget, () => run(connection, "accept_narration", { recit: r.index })) }, t("accept_narration")),
          h("button", { type: "button", class: "secondary", "data-focus-key": `decline:${r.index}`, onclick: (e) => busy(e.currentTarget, () => run(connection, "decline_narration", { recit: r.index })) }, t("decline_narration")),
        ),
      ),
    ),
  );
}

function renderRecit(state, step) {
  const index = state.session.recit_index;
  const recit = step && index !== null && index !== undefined ? state.recits[index] : null;
  show($("#recit"), Boolean(recit));
  if (!recit) return;
  $("#recit-title").textContent = recitTitle(state, index);
  $("#recit-narrator").textContent = t("narrated_by", { pseudonym: pseudonym(state, recit.narrator_id) });
}

// The rapporteur's running notes at this place, oldest first; at the narration
// they are the narrator's words, typed for them, and say so.
function renderNotes(state, step) {
  const notes = step ? contributionsHere(state, "note") : [];
  show($("#notes"), notes.length > 0);
  $("#notes-list").replaceChildren(
    ...notes.map((n) => {
      const meta = [n.author_id ? authorLabel(state, n) : "", clockTime(n.at)].filter(Boolean).join(" · ");
      return h("li", { class: "card" }, h("p", { class: "body", text: n.body }), h("p", { class: "meta", text: meta }));
    }),
  );
}

// ------------------------------------------------------------------ proposals

let editing = null; // id of the proposal being edited, or null

function renderProposals(state, step, { me, contributes }) {
  show($("#proposal-form"), contributes);
  const all = Object.entries(state.proposals);
  const mine = all.filter(([, p]) => p.author_id === me);
  const others = all.filter(([, p]) => p.author_id !== me);
  replaceKeepingFocus(
    $("#my-proposals"),
    mine.map(([id, p]) =>
      proposalItem(p, state, [
        h("button", { type: "button", "data-focus-key": `edit:${id}`, onclick: () => startEdit(id, p), "aria-label": t("edit_named", { title: p.title }) }, t("edit")),
        h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${id}`, onclick: () => withdrawProposal(id), "aria-label": t("withdraw_named", { title: p.title }) }, t("withdraw")),
      ]),
    ),
  );
  show($("#my-proposals-heading"), mine.length > 0);
  $("#other-proposals").replaceChildren(...others.map(([, p]) => proposalItem(p, state)));
  $("#proposal-count").textContent = t("other_proposals", { count: others.length });
}

function startEdit(id, proposal) {
  editing = id;
  $("#proposal-title").value = proposal.title;
  $("#proposal-body").value = proposal.body;
  $("#proposal-submit").textContent = t("save_changes");
  show($("#proposal-cancel"), true);
  $("#proposal-title").focus();
}

function resetProposalForm() {
  editing = null;
  $("#proposal-form").reset();
  $("#proposal-submit").textContent = t("submit_proposal");
  show($("#proposal-cancel"), false);
}

async function withdrawProposal(id) {
  if (!window.confirm(t("confirm_withdraw"))) return;
  await run(connection, "withdraw_proposal", { proposal_id: id });
  if (editing === id) resetProposalForm();
}

// ------------------------------------------------------------------ vote

function renderVote(state, step, { me, contributes }) {
  const { mode, votes } = step.options;
  const { vote } = state;
  const voted = vote.voters.includes(me);
  $("#vote-mode").textContent = t(`vote_mode_${mode}`, { votes });
  $("#vote-count").textContent = tn("voters", vote.voters.length);
  show($("#ballot-form"), contributes && !voted && !vote.is_closed);
  if (contributes && !voted && !vote.is_closed) renderBallot(state, mode, votes);
  show($("#vote-closed"), vote.is_closed);

  show($("#my-ballot"), voted);
  $("#my-ballot-list").classList.toggle("p-unranked", mode !== "ranking");
  $("#my-ballot-list").replaceChildren(...(vote.my_ballot ?? []).map((id) => h("li", { text: state.proposals[id]?.title ?? "?" })));

  show($("#vote-results"), vote.is_closed);
  $("#vote-results-list").replaceChildren(
    ...vote.results.map((r) => {
      const tie = vote.results.filter((other) => other.rank === r.rank).length > 1;
      const score = t(mode === "ranking" ? "points" : "score", { score: r.score });
      return h(
        "li",
        { class: tie ? "card p-tie" : "card" },
        h("span", { class: "p-rank", text: `${r.rank}.` }),
        " ",
        h("strong", { text: state.proposals[r.proposal_id]?.title ?? "?" }),
        h("span", { class: "meta", text: ` · ${score}${tie ? ` · ${t("tie")}` : ""}` }),
      );
    }),
  );

  show($("#recits-chosen"), state.recits.length > 0);
  $("#recits-list").replaceChildren(
    ...state.recits.map((r, index) => {
      const answer = r.accepted === null ? "pending" : r.accepted ? "accepted" : "declined";
      return h(
        "li",
        { class: "card" },
        h("h4", { text: recitTitle(state, index) }),
        h("p", { class: "meta", text: `${t("narrated_by", { pseudonym: pseudonym(state, r.narrator_id) })} · ${t(`narrator_${answer}`)}` }),
      );
    }),
  );
}

function renderBallot(state, mode, votes) {
  const proposals = Object.entries(state.proposals).map(([id, p]) => ({ value: id, label: p.title, detail: p.body }));
  $("#ballot-legend").textContent = t(`ballot_legend_${mode}`, { votes });
  const box = $("#ballot-choices");
  if (mode === "ranking") syncRanking(box, proposals, votes);
  else {
    syncChoices(box, mode === "single" ? "radio" : "checkbox", "ballot", proposals);
    limitChecks(box, votes);
  }
}

// Multiple votes: once `votes` boxes are ticked, the others wait until one is unticked.
function limitChecks(box, votes) {
  const boxes = [...box.querySelectorAll("input[type=checkbox]")];
  const full = boxes.filter((b) => b.checked).length >= votes;
  for (const b of boxes) b.disabled = full && !b.checked;
}

// Ranking: one labelled select per rank, first = preferred.
function syncRanking(box, proposals, votes) {
  const ranks = Math.min(votes, proposals.length);
  const key = JSON.stringify(["ranking", ranks, proposals]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const previous = [...box.querySelectorAll("select")].map((select) => select.value);
  replaceKeepingFocus(
    box,
    Array.from({ length: ranks }, (unused, rank) => {
      const id = `ballot-rank-${rank}`;
      const select = h("select", { id, "data-focus-key": id }, h("option", { value: "" }, t("no_choice")), proposals.map((p) => h("option", { value: p.value }, p.label)));
      select.value = proposals.some((p) => p.value === previous[rank]) ? previous[rank] : "";
      return h("div", { class: "stack" }, h("label", { for: id, text: t("rank_label", { rank: rank + 1 }) }), select);
    }),
  );
}

function ballotChoices() {
  const box = $("#ballot-choices");
  const selects = [...box.querySelectorAll("select")];
  if (selects.length) return selects.map((select) => select.value).filter(Boolean);
  return checkedValues(box);
}

// ------------------------------------------------------------------ rounds

function renderRoundStep(state, step, { me, contributes }) {
  renderRound($("#round-widget"), state, { now: connection.now(), me });
  const round = currentRound(state);
  const myTurn = speakerOf(round) === me;
  show($("#my-turn"), myTurn);
  $("#turn-pass-hint").textContent = t(round?.passed_once.includes(me) ? "pass_again_hint" : "pass_hint");

  const presentation = state.session.recit_index === null;
  const all = contributionsHere(state, "interpretation");
  const mine = all.filter((c) => c.author_id === me);
  const others = all.filter((c) => c.author_id !== me);
  show($("#round-hidden"), contributes && step.visibility === "hidden" && !isRevealedHere(state));
  $("#interpretation-label").textContent = t(presentation ? "presentation_label" : "interpretation_label");
  show($("#my-interpretation"), mine.length > 0);
  replaceKeepingFocus(
    $("#my-interpretation-list"),
    mine.map((c) => contributionItem(state, c, { extra: deferredMark(c), actions: ownActions(state, c, interpretationForm) })),
  );
  show(interpretationForm.form, contributes && (mine.length === 0 || interpretationForm.editing !== null));

  // A later round of a récit may answer the interpretations of its earlier rounds.
  const { step_index: index, recit_index: recit } = state.session;
  const earlier = presentation
    ? []
    : Object.values(state.contributions)
        .filter((c) => c.kind === "interpretation" && (c.recit ?? null) === recit && c.step_index < index)
        .sort(byTime);
  show($("#replies"), earlier.length > 0);
  syncChoices(
    $("#replies-choices"),
    "checkbox",
    "replies_to",
    earlier.map((c) => ({ value: c.contribution_id, label: authorLabel(state, c), detail: c.body })),
  );

  show($("#interpretations"), others.length > 0);
  $("#interpretations-heading").textContent = t(presentation ? "presentations_heading" : "interpretations_heading");
  $("#interpretations-list").replaceChildren(...others.map((c) => contributionItem(state, c, { extra: deferredMark(c) })));
}

function deferredMark(c) {
  return c.deferred_from === null || c.deferred_from === undefined ? null : h("p", { class: "meta", text: t("deferred") });
}

async function endTurn(button, outcome) {
  await busy(button, () => run(connection, "end_turn", { speaker: connection.state.me.participant_id, outcome }));
}

// ------------------------------------------------------------------ narration, stakes, reactions

function renderNarratorStep(state, step, { isNarrator }) {
  const kind = NARRATOR_WRITES[step.kind];
  show($("#narrator-step"), Boolean(kind)); // the narration itself: the notes say it all
  if (!kind) return;
  const items = contributionsHere(state, kind);
  $("#narrator-step-heading").textContent = t(`kind_${kind}`);
  $("#narrator-label").textContent = t(`${kind}_label`);
  show($("#narrator-empty"), items.length === 0 && !isNarrator);
  replaceKeepingFocus($("#narrator-list"), items.map((c) => contributionItem(state, c, { actions: ownActions(state, c, narratorForm) })));
  show(narratorForm.form, isNarrator);
}

// ------------------------------------------------------------------ questions

function renderQuestions(state, step, { me, isNarrator, contributes }) {
  const mayAsk = contributes && !isNarrator;
  show(questionForm.form, mayAsk);
  show($("#hand"), mayAsk);
  const { step_index: index, recit_index: recit } = state.session;
  // A question deferred to the round leaves the queue; it stays noted here.
  const deferred = Object.values(state.contributions).filter((c) => c.deferred_from === index && (c.recit ?? null) === recit);
  const questions = [...contributionsHere(state, "question"), ...deferred].sort(byTime);
  show($("#questions-empty"), questions.length === 0);
  replaceKeepingFocus(
    $("#questions-list"),
    questions.map((c) => {
      const isDeferred = c.kind !== "question";
      const status = isDeferred ? "deferred" : c.status;
      const answer = isDeferred ? null : answerOf(state, c);
      const mayAnswer = isNarrator && !isDeferred && !answer;
      return contributionItem(state, c, {
        cls: `p-question p-${status}`,
        current: status === "current",
        badge: isDeferred ? t("deferred") : t(`question_${status}`),
        extra: [
          c.is_hand ? h("p", { class: "p-hand", text: t("raised_hand") }) : null,
          answer ? answerBlock(state, answer) : null,
          answer && answer.author_id === me ? h("div", { class: "actions" }, withdrawButton(answer)) : null,
          mayAnswer ? answerForm(connection, c, (text) => t("answer_label", { text })) : null,
        ],
        actions: c.author_id === me && status === "queued" ? ownActions(state, c, questionForm) : [],
      });
    }),
  );
}

// ------------------------------------------------------------------ analysis, theory, hypotheses

function renderAnalysis(state, step, { me, contributes }) {
  renderBoard($("#board"), state, { connection, editable: false });
  syncOptions($("#suggestion-item"), t("suggestion_new_item"), boardItems(state).map(([id, item]) => ({ value: id, label: item.title })));
  show($("#suggestion-heading"), contributes);
  show(suggestionForm.form, contributes);
  const mine = contributionsHere(state, "suggestion").filter((c) => c.author_id === me);
  show($("#my-suggestions"), mine.length > 0);
  replaceKeepingFocus(
    $("#my-suggestions-list"),
    mine.map((c) =>
      contributionItem(state, c, {
        cls: `p-suggestion p-${c.status}`,
        badge: t(`suggestion_${c.status}`),
        extra: h("p", {
          class: "meta",
          text: [t(`board_kind_${c.board_kind}`), c.item_id ? t("correction_of", { title: state.board[c.item_id]?.title ?? "?" }) : ""].filter(Boolean).join(" · "),
        }),
        actions: c.status === "pending" ? ownActions(state, c, suggestionForm) : [],
      }),
    ),
  );
}

// Theory and hypotheses: a list, and a form that may link board items.
function renderLinked(state, kind, section, form, contributes) {
  const items = contributionsHere(state, kind);
  show($(`${section}-empty`), items.length === 0);
  replaceKeepingFocus(
    $(`${section}-list`),
    items.map((c) =>
      contributionItem(state, c, {
        extra: [c.reference ? h("p", { class: "meta", text: t("reference", { reference: c.reference }) }) : null, linkedItems(state, c)],
        actions: ownActions(state, c, form),
      }),
    ),
  );
  const choices = boardChoices(state);
  show(form.form.querySelector(".links"), choices.length > 0);
  syncChoices(form.form.querySelector(".links-choices"), "checkbox", "links", choices);
  show(form.form, contributes);
  show($(`#${form.form.getAttribute("aria-labelledby")}`), contributes);
}

function renderTheory(state, step, { contributes }) {
  renderLinked(state, "theory", "#theory", theoryForm, contributes);
}

function renderHypotheses(state, step, { contributes }) {
  renderLinked(state, "hypothesis", "#hypotheses", hypothesisForm, contributes);
}

// ------------------------------------------------------------------ perspectives

function renderPerspectives(state, step, { me, contributes }) {
  const all = contributionsHere(state, "perspective");
  replaceKeepingFocus(
    $("#perspective-levels"),
    LEVELS.map((level) => {
      const items = all.filter((c) => c.level === level);
      return h(
        "section",
        { class: "p-level", "aria-labelledby": `level-${level}` },
        h("h4", { id: `level-${level}`, text: t(`level_${level}`) }),
        items.length
          ? h("ul", { class: "cards" }, items.map((c) => perspectiveItem(state, c, me)))
          : h("p", { class: "meta", text: t("no_perspective") }),
      );
    }),
  );
  show(perspectiveForm.form, contributes);
  show($("#perspective-form-heading"), contributes);
}

function perspectiveItem(state, c, me) {
  const supported = c.supporters.includes(me);
  const text = excerpt(c.body, 40);
  const toggle = h(
    "button",
    {
      type: "button",
      class: supported ? "" : "secondary",
      "data-focus-key": `support:${c.contribution_id}`,
      "aria-label": t(supported ? "unsupport_named" : "support_named", { text }),
      onclick: (e) => busy(e.currentTarget, () => run(connection, supported ? "unsupport_perspective" : "support_perspective", { contribution_id: c.contribution_id })),
    },
    t(supported ? "unsupport" : "support"),
  );
  return contributionItem(state, c, {
    cls: supported ? "p-supported" : "",
    extra: h("p", { class: "p-supporters", text: tn("supporters", c.supporters.length) }),
    actions: [toggle, ...ownActions(state, c, perspectiveForm)],
  });
}

// ------------------------------------------------------------------ evaluation

function renderEvaluation(state, step, { me, contributes }) {
  const { evaluated, summary } = state.evaluation;
  const done = evaluated.includes(me);
  $("#evaluation-count").textContent = tn("evaluated", evaluated.length);
  buildEvaluationForm(step);
  show($("#evaluation-form"), contributes && !done && !summary);
  show($("#evaluation-thanks"), done);
  show($("#evaluation-closed"), Boolean(summary) && !done);
  show($("#evaluation-summary"), Boolean(summary));
  $("#evaluation-summary-list").replaceChildren(...(summary ? summary.questions.map(summaryItem) : []));
}

// The questions, built once per step: answers being chosen are never reset.
function buildEvaluationForm(step) {
  const box = $("#evaluation-questions");
  const questions = step.options.questions ?? [];
  const key = JSON.stringify(questions);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(
    ...questions.map((q) => {
      const name = `evaluation-${q.id}`;
      if (q.kind === "scale") {
        const values = Array.from({ length: q.max - q.min + 1 }, (unused, i) => q.min + i);
        return h(
          "fieldset",
          { class: "p-scale" },
          h("legend", { text: q.text }),
          h("div", { class: "p-scale-choices" }, values.map((v) => h("label", { class: "choice" }, h("input", { type: "radio", name, value: String(v) }), String(v)))),
        );
      }
      return h("div", { class: "stack" }, h("label", { for: name, text: q.text }), h("textarea", { id: name, name, rows: 3, maxlength: LIMITS.body }));
    }),
  );
}

function evaluationAnswers(step) {
  const form = $("#evaluation-form");
  const answers = {};
  for (const q of step.options.questions ?? []) {
    const name = CSS.escape(`evaluation-${q.id}`);
    if (q.kind === "scale") {
      const checked = form.querySelector(`input[name=${name}]:checked`);
      if (checked) answers[q.id] = Number(checked.value);
    } else {
      const text = form.querySelector(`#${name}`).value.trim();
      if (text) answers[q.id] = text;
    }
  }
  return answers;
}

function summaryItem(q) {
  const lang = document.documentElement.lang;
  if (q.kind === "scale") {
    const mean = q.mean === null ? "" : t("mean", { mean: q.mean.toLocaleString(lang, { maximumFractionDigits: 1 }) });
    return h(
      "li",
      { class: "card" },
      h("h4", { text: q.text }),
      h("p", { text: [tn("answers", q.count), mean].filter(Boolean).join(" · ") }),
      h("ul", { class: "p-distribution" }, Object.entries(q.distribution).map(([v, n]) => h("li", { text: tn("distribution", n, { value: v }) }))),
    );
  }
  return h(
    "li",
    { class: "card" },
    h("h4", { text: q.text }),
    h("p", { class: "meta", text: tn("answers", q.count) }),
    h("ul", { class: "p-answers" }, q.answers.map((a) => h("li", { class: "body", text: a }))),
  );
}

// ------------------------------------------------------------------ dispatch

const SCREENS = {
  proposals: renderProposals,
  vote: renderVote,
  round: renderRoundStep,
  narration: renderNarratorStep,
  stakes: renderNarratorStep,
  reactions: renderNarratorStep,
  questions: renderQuestions,
  analysis: renderAnalysis,
  theory: renderTheory,
  hypotheses: renderHypotheses,
  perspectives: renderPerspectives,
  evaluation: renderEvaluation,
};

// The section of each kind (narration, stakes and reactions share one).
const SECTIONS = {
  proposals: "#proposals",
  vote: "#vote",
  round: "#round",
  narration: "#narrator-step",
  stakes: "#narrator-step",
  reactions: "#narrator-step",
  questions: "#questions",
  analysis: "#analysis",
  theory: "#theory",
  hypotheses: "#hypotheses",
  perspectives: "#perspectives",
  evaluation: "#evaluation",
};

// ------------------------------------------------------------------ events

$("#accept-convention").addEventListener("click", async () => {
  const ok = await run(connection, "accept_convention", {
    version: connection.state.session.convention.version,
  });
  if (ok) connection.sync({ full: true });
});

$("#proposal-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const args = { title: $("#proposal-title").value, body: $("#proposal-body").value };
  const ok = await busy($("#proposal-submit"), () =>
    editing
      ? run(connection, "edit_proposal", { proposal_id: editing, ...args })
      : run(connection, "submit_proposal", { proposal_id: newId(), ...args }),
  );
  if (ok) resetProposalForm();
});
$("#proposal-cancel").addEventListener("click", resetProposalForm);

$("#ballot-choices").addEventListener("change", () => {
  const step = currentStep(connection.state);
  if (step?.options.mode === "multiple") limitChecks($("#ballot-choices"), step.options.votes);
});

$("#ballot-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const choices = ballotChoices();
  if (!choices.length) return notify(t("ballot_empty"));
  if (new Set(choices).size !== choices.length) return notify(t("ballot_duplicate"));
  const titles = choices.map((id) => connection.state.proposals[id]?.title ?? "?");
  if (!window.confirm(t("confirm_ballot", { choices: titles.join(" ; ") }))) return;
  await busy(event.submitter ?? $("#ballot-form [type=submit]"), () => run(connection, "cast_ballot", { choices }));
});

$("#turn-done").addEventListener("click", (e) => endTurn(e.currentTarget, "spoke"));
$("#turn-pass").addEventListener("click", (e) => endTurn(e.currentTarget, "passed"));

$("#raise-hand").addEventListener("click", (e) => busy(e.currentTarget, () => run(connection, "raise_hand", { contribution_id: newId() })));

$("#evaluation-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answers = evaluationAnswers(currentStep(connection.state));
  if (!Object.keys(answers).length) return notify(t("evaluation_empty"));
  await busy(event.submitter ?? $("#evaluation-form [type=submit]"), () => run(connection, "answer_evaluation", { answers }));
});

notify("");
// Every second: the speaker's timer; every 30 s, the step's elapsed time (neither touches a form).
let ticks = 0;
setInterval(() => {
  const state = connection.state;
  if (!state || !state.admitted || state.session.status !== "running") return;
  if (!$("#round").hidden) renderRound($("#round-widget"), state, { now: connection.now(), me: state.me.participant_id });
  ticks += 1;
  if (ticks % 30 === 0) renderStep(state, $("#step"));
}, 1000);
