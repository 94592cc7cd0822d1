// The projection screen, for the room's projector: read-only, large type,
// following the session live. It sends no command.
//
// The header names the step (and the récit in the récit block) with its
// time; below it, one view per step kind (the VIEWS table). A view is a
// <div> made the first time its kind comes up and kept: the round and board
// widgets keep their own elements in it. Every second only the clock's text
// and the round's timer change; the rest is redrawn on events.
// The server sends an observer nothing hidden; the page also skips anything
// marked hidden, should it ever arrive.

import { Connection } from "./connection.js";
import "./kinds.js"; // the folds of the kinds of step brought by a module
import { $, h, show } from "./dom.js";
import { t, tn } from "./i18n.js";
import { CONTRIBUTION_KINDS, LEVELS } from "./method.js";
import { answerBlock, answerOf, authorLabel, pseudonym, recitTitle, refused, setStatus } from "./common.js";
import { byTime, contributionsHere, currentStep, evaluationSummary, isRevealedHere, secondsSpent } from "./store.js";
import { formatSeconds, renderRound } from "./round.js";
import { renderBoard } from "./board.js";

const root = $("#app");
const stage = $("#projection-stage");
const views = new Map(); // step kind -> its view element
const numbers = new Intl.NumberFormat(document.documentElement.lang || "fr");

const connection = new Connection({
  session: root.dataset.session,
  role: "observateur",
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

// ---------------------------------------------------------------- the frame

function render(state) {
  const { session } = state;
  document.title = `${session.title} · ${t("role_observateur")}`;
  const step = state.admitted && session.status === "running" ? currentStep(state) : null;
  renderLobby(state);
  renderEnded(state);
  $("#projection-session").textContent = step ? session.title : "";
  show($("#projection-step"), Boolean(step));
  const hidden = step ? hiddenHere(state, step) : false;
  setText($("#projection-hidden"), hidden ? t("hidden_until_reveal") : "");
  for (const [kind, view] of views) show(view, Boolean(step) && kind === step.kind);
  if (!step) return;
  renderHeader(state, step);
  (VIEWS[step.kind] ?? viewInstructions)(state, viewOf(step.kind), step);
  tick();
}

function renderLobby(state) {
  const { session } = state;
  const lobby = session.status === "lobby";
  show($("#projection-lobby"), lobby);
  if (!lobby) return;
  $("#projection-lobby-title").textContent = session.title;
  $("#projection-lobby-question").textContent = session.question;
  const count = Object.keys(state.participants ?? {}).length;
  setText($("#projection-lobby-count"), count ? tn("lobby_participants", count) : "");
}

function renderEnded(state) {
  const ended = state.session.status === "ended";
  show($("#projection-ended"), ended);
  if (!ended) return;
  $("#projection-ended-title").textContent = state.session.title;
  $("#projection-ended-status").textContent = t("status_ended");
  $("#projection-ended-thanks").textContent = t("projection_ended_thanks");
}

function renderHeader(state, step) {
  const { session } = state;
  $("#projection-phase").textContent = step.phase;
  $("#projection-title").textContent = t("step_heading", { number: step.number, title: step.title });
  $("#projection-clock-label").textContent = t("projection_step_time_label");
  $("#projection-position").textContent = t("step_position", {
    index: session.step_index + 1,
    count: state.protocol.steps.length,
  });
  const recit = $("#projection-recit");
  const index = session.recit_index;
  show(recit, index !== null && Boolean(state.recits[index]));
  if (recit.hidden) return;
  const narrator = state.participants[state.recits[index].narrator_id];
  recit.replaceChildren(
    h("span", { class: "projection-recit-title", text: recitTitle(state, index) }),
    narrator ? h("span", { class: "projection-recit-narrator", text: ` · ${t("narrated_by", { pseudonym: narrator.pseudonym })}` }) : null,
  );
}

// Every second: the step's clock and, in a round, the speaker's timer. Text only.
function tick() {
  const state = connection.state;
  const step = state && state.admitted && state.session.status === "running" ? currentStep(state) : null;
  if (!step) return;
  const now = connection.now();
  const spent = secondsSpent(state, state.session.step_index, state.session.recit_index, now);
  const clock = $("#projection-clock");
  setText(clock, t("projection_step_time", { elapsed: formatSeconds(spent), planned: step.duration_minutes }));
  clock.classList.toggle("projection-overrun", spent > step.duration_minutes * 60);
  if (step.kind === "round") renderRound(part(viewOf("round"), "round"), state, { now, me: null });
}

setInterval(tick, 1000);

function fullscreenToggle() {
  const button = $("#projection-fullscreen");
  if (!document.fullscreenEnabled) return;
  show(button, true);
  button.addEventListener("click", () => {
    const request = document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen();
    request.catch(() => {}); // refused by the browser: the page stays as it is
  });
  document.addEventListener("fullscreenchange", () => {
    button.textContent = t(document.fullscreenElement ? "projection_fullscreen_exit" : "projection_fullscreen");
  });
}

fullscreenToggle();

// ---------------------------------------------------------------- helpers

function viewOf(kind) {
  if (!views.has(kind)) {
    const view = h("div", { class: "projection-view", "data-kind": kind });
    stage.append(view);
    views.set(kind, view);
  }
  return views.get(kind);
}

// A part of a view, made the first time and kept (in the order first asked for).
function part(view, name, tag = "div") {
  view.parts ??= {};
  if (!view.parts[name]) {
    view.parts[name] = h(tag, { class: `projection-${name}` });
    view.append(view.parts[name]);
  }
  return view.parts[name];
}

function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
  el.hidden = !text;
}

function hiddenHere(state, step) {
  if (step.visibility !== "hidden") return false;
  if (step.kind === "evaluation") return !state.evaluation.summary;
  return !isRevealedHere(state);
}

function visibleHere(state, kind) {
  return contributionsHere(state, kind).filter((c) => !c.is_hidden);
}

// What is visible of `kind` for the current récit, whatever the step it was given in.
function visibleInRecit(state, kind) {
  const recit = state.session.recit_index ?? null;
  return Object.values(state.contributions)
    .filter((c) => c.kind === kind && !c.is_hidden && (c.recit ?? null) === recit)
    .sort(byTime);
}

// A card of a list: a title, the text, a line in bold (a count), smaller lines (who, what it links to).
function card({ title = "", body = "", strong = "", meta = [], cls = "", extra = null }) {
  return h(
    "li",
    { class: `card projection-card ${cls}`.trim() },
    title ? h("h3", { text: title }) : null,
    body ? h("p", { class: "body", text: body }) : null,
    strong ? h("p", { class: "projection-strong", text: strong }) : null,
    meta.filter(Boolean).map((text) => h("p", { class: "meta", text })),
    extra,
  );
}

// A heading and its list, or a line saying there is nothing yet.
// `plain`: what the heading's term of the method means, in plain words, under it.
function block(heading, items, empty = t("projection_nothing_yet"), plain = null) {
  return h(
    "section",
    { class: "projection-block" },
    h("h2", { text: heading }),
    plain ? h("p", { class: "meta projection-plain", text: plain }) : null,
    items.length ? h("ul", { class: "cards projection-list" }, items) : h("p", { class: "projection-empty", text: empty }),
  );
}

function boardTitles(state, links) {
  const titles = (links ?? []).map((id) => state.board[id]?.title).filter(Boolean);
  return titles.length ? t("projection_board_links", { titles: titles.join(", ") }) : null;
}

// ---------------------------------------------------------------- one view per step kind

function viewAgreement(state, view) {
  const people = Object.values(state.participants);
  setText(
    part(view, "count", "p"),
    `${tn("lobby_participants", people.length)} · ${tn("lobby_accepted", people.filter((p) => p.has_accepted).length)}`,
  );
  fill(
    part(view, "convention", "section"),
    h("h2", { text: t("projection_convention") }),
    h("p", { class: "body projection-text", text: state.session.convention.text }),
  );
}

function viewRound(state, view) {
  renderRound(part(view, "round"), state, { now: connection.now(), me: null });
  const items = visibleHere(state, "interpretation").map((c) => {
    const replies = (c.replies_to ?? [])
      .map((id) => state.contributions[id])
      .filter((earlier) => earlier && !earlier.is_hidden)
      .map((earlier) => (earlier.author_id ? pseudonym(state, earlier.author_id) : t("anonymous_staff")));
    return card({
      body: c.body,
      meta: [
        authorLabel(state, c),
        c.deferred_from !== null && c.deferred_from !== undefined ? t("deferred") : null,
        replies.length ? t("projection_in_reply_to", { names: replies.join(", ") }) : null,
      ],
    });
  });
  fill(part(view, "written"), items.length ? block(t("projection_interpretations"), items) : null);
}

function viewProposals(state, view) {
  const proposals = Object.values(state.proposals);
  setText(part(view, "count", "p"), tn("proposal_count", proposals.length));
  fill(
    part(view, "proposals"),
    proposals.length
      ? h(
          "ul",
          { class: "cards projection-list projection-grid" },
          proposals.map((p) => card({ title: p.title, body: p.body, meta: [t("proposed_by", { pseudonym: pseudonym(state, p.author_id) })] })),
        )
      : h("p", { class: "projection-empty", text: t("projection_proposals_empty") }),
  );
}

function viewVote(state, view, step) {
  const { vote } = state;
  const { mode, votes } = step.options;
  setText(part(view, "mode", "p"), t(`projection_vote_${mode}`, { votes }));
  setText(part(view, "count", "p"), tn("voters", vote.voters.length));
  setText(part(view, "secret", "p"), vote.is_closed ? "" : t("projection_vote_secret"));
  const chosen = new Set(state.recits.map((r) => r.proposal_id));
  if (!vote.is_closed) {
    const proposals = Object.values(state.proposals);
    fill(part(view, "results"), block(t("projection_candidates"), proposals.map((p) => card({ title: p.title })), t("projection_proposals_empty")));
  } else {
    const rows = vote.results
      .filter((r) => state.proposals[r.proposal_id])
      .map((r) => {
        const tie = vote.results.filter((other) => other.rank === r.rank).length > 1;
        return h(
          "li",
          { class: `card projection-result${chosen.has(r.proposal_id) ? " projection-result-chosen" : ""}` },
          h("span", { class: "projection-rank", text: String(r.rank) }),
          h("span", { class: "projection-result-title", text: state.proposals[r.proposal_id].title }),
          h("span", { class: "projection-score", text: t("score", { score: r.score }) }),
          tie ? h("span", { class: "badge projection-tie", text: t("tie") }) : null,
          chosen.has(r.proposal_id) ? h("span", { class: "badge projection-chosen-mark", text: t("projection_chosen_mark") }) : null,
        );
      });
    fill(
      part(view, "results"),
      h("section", { class: "projection-block" }, h("h2", { text: t("projection_results") }), h("ol", { class: "cards projection-list" }, rows)),
    );
  }
  const recits = state.recits.map((r, index) => {
    const answer = r.accepted === true ? "accepted" : r.accepted === false ? "declined" : "pending";
    return card({
      title: recitTitle(state, index),
      meta: [t("narrated_by", { pseudonym: pseudonym(state, r.narrator_id) }), t(`projection_narrator_${answer}`)],
      cls: `projection-recit-${answer}`,
    });
  });
  fill(part(view, "chosen"), recits.length ? block(t("projection_chosen"), recits) : null);
}

// Narration, stakes, reactions: what the narrator says, as written down, and the rapporteur's notes.
function viewNarrator(kind, headingKey) {
  return (state, view) => {
    const index = state.session.recit_index;
    const proposal = index === null ? null : state.proposals[state.recits[index]?.proposal_id];
    fill(
      part(view, "proposal"),
      kind === "note" && proposal
        ? h(
            "section",
            { class: "projection-block" },
            h("h2", { text: t("projection_recit_proposed") }),
            h("p", { class: "body projection-text", text: proposal.body }),
          )
        : null,
    );
    const said = kind === "note" ? [] : visibleHere(state, kind).map((c) => card({ body: c.body, meta: [authorLabel(state, c)] }));
    fill(part(view, "said"), kind === "note" ? null : block(t(headingKey), said));
    const notes = visibleHere(state, "note").map((c) => card({ body: c.body, meta: [c.author_id ? authorLabel(state, c) : ""] }));
    fill(part(view, "notes"), kind === "note" || notes.length ? block(t("projection_notes"), notes) : null);
  };
}

function questionText(c) {
  return c.is_hand && !c.body ? t("raised_hand") : c.body;
}

function viewQuestions(state, view) {
  const questions = visibleHere(state, "question");
  const answered = (c) => {
    const answer = answerOf(state, c);
    return answer ? answerBlock(state, answer) : null;
  };
  const of = (status) => questions.filter((c) => c.status === status);
  const current = of("current");
  fill(
    part(view, "current"),
    h(
      "section",
      { class: "projection-block" },
      h("h2", { text: t("question_current") }),
      current.length
        ? h("ul", { class: "cards projection-list" }, current.map((c) => card({ body: questionText(c), meta: [authorLabel(state, c)], cls: "projection-question-current", extra: answered(c) })))
        : h("p", { class: "projection-empty", text: t("projection_no_current_question") }),
    ),
  );
  const queued = of("queued");
  fill(
    part(view, "queue"),
    queued.length
      ? block(tn("projection_questions_queued", queued.length), queued.map((c) => card({ body: questionText(c), meta: [authorLabel(state, c)] })))
      : null,
  );
  const done = of("answered");
  fill(
    part(view, "answered"),
    done.length
      ? block(tn("projection_questions_answered", done.length), done.map((c) => card({ body: questionText(c), cls: "projection-question-answered", extra: answered(c) })))
      : null,
  );
}

// Analysis, theory, hypotheses: the board, then the theory and hypothesis lists the step asks for.
function viewBoard(lists) {
  return (state, view) => {
    setText(part(view, "board-heading", "h2"), t("projection_board"));
    renderBoard(part(view, "board"), state, { editable: false, explain: true });
    const sections = [];
    if (lists.includes("theory")) {
      const theories = visibleInRecit(state, "theory").map((c) =>
        card({ title: c.title, body: c.body, meta: [c.reference, boardTitles(state, c.links), authorLabel(state, c)] }),
      );
      sections.push(block(t("projection_theory"), theories, t("projection_theory_empty"), t("plain_theory")));
    }
    if (lists.includes("hypothesis")) {
      const hypotheses = visibleInRecit(state, "hypothesis").map((c) =>
        card({ body: c.body, meta: [boardTitles(state, c.links), authorLabel(state, c)] }),
      );
      sections.push(block(t("projection_hypotheses"), hypotheses, t("projection_hypotheses_empty"), t("plain_hypothesis")));
    }
    fill(part(view, "lists"), sections);
  };
}

function viewPerspectives(state, view) {
  const perspectives = visibleHere(state, "perspective");
  fill(
    part(view, "levels"),
    LEVELS.map((level) =>
      h(
        "div",
        { class: "projection-level", "data-level": level },
        block(
          t(`level_${level}`),
          perspectives
            .filter((c) => c.level === level)
            .map((c) => card({ body: c.body, strong: tn("supporters", c.supporters.length), meta: [authorLabel(state, c)] })),
          t("projection_perspectives_empty"),
          t(`plain_level_${level}`),
        ),
      ),
    ),
  );
}

function scaleQuestion(q) {
  const values = Object.entries(q.distribution).sort(([a], [b]) => Number(a) - Number(b));
  return h(
    "li",
    { class: "card projection-card" },
    h("h3", { text: q.text }),
    h("p", { class: "meta", text: tn("projection_answers", q.count) }),
    h(
      "ul",
      { class: "projection-scale" },
      values.map(([value, count]) =>
        h(
          "li",
          {},
          h("span", { class: "projection-scale-label", text: tn("projection_value", count, { value }) }),
          h("meter", { min: 0, max: Math.max(1, q.count), value: count, "aria-hidden": "true" }),
        ),
      ),
    ),
    q.mean === null || q.mean === undefined ? null : h("p", { class: "projection-mean", text: t("mean", { mean: numbers.format(q.mean) }) }),
  );
}

function openQuestion(q) {
  return h(
    "li",
    { class: "card projection-card" },
    h("h3", { text: q.text }),
    h("p", { class: "meta", text: tn("projection_answers", q.count) }),
    h("ul", { class: "projection-answers" }, q.answers.map((answer) => h("li", { class: "body", text: answer }))),
  );
}

function viewEvaluation(state, view) {
  const { evaluated } = state.evaluation;
  const summary = evaluationSummary(state);
  setText(part(view, "count", "p"), tn("evaluated", summary ? summary.respondents : evaluated.length));
  fill(
    part(view, "summary"),
    summary
      ? h(
          "section",
          { class: "projection-block" },
          h("h2", { text: t("projection_evaluation_summary") }),
          h("ul", { class: "cards projection-list" }, summary.questions.map((q) => (q.kind === "open" ? openQuestion(q) : scaleQuestion(q)))),
        )
      : null,
  );
}

// Steps with nothing to show but their instructions (a free discussion, say).
function viewInstructions(state, view, step) {
  setText(part(view, "instructions", "p"), step.instructions);
}

const VIEWS = {
  agreement: viewAgreement,
  round: viewRound,
  proposals: viewProposals,
  vote: viewVote,
  narration: viewNarrator("note"),
  stakes: viewNarrator(CONTRIBUTION_KINDS.stakes, "projection_stakes"),
  reactions: viewNarrator(CONTRIBUTION_KINDS.reactions, "projection_reactions"),
  questions: viewQuestions,
  analysis: viewBoard([]),
  theory: viewBoard(["theory"]),
  hypotheses: viewBoard(["theory", "hypothesis"]),
  perspectives: viewPerspectives,
  evaluation: viewEvaluation,
  discussion: viewInstructions,
};
