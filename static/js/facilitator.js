// The team's console, for the animateur·rice (who steers) and the
// rapporteur·rice (the group's memory, who types for those who do not): the
// session's place and time, the people, the notes, one panel per step kind
// (static/js/console/), and the synthesis and report for after the session
// (console/synthesis.js). The server checks every command; this page only
// hides the steering controls from the rapporteur.

import { Connection } from "./connection.js";
import { $, show } from "./dom.js";
import { t } from "./i18n.js";
import { CONTRIBUTION_KINDS } from "./method.js";
import { notify, refused, renderStep, run, setStatus } from "./common.js";
import { currentStep } from "./store.js";
import { KINDS } from "./kinds.js";
import { boardPanel, perspectivesPanel } from "./console/analysis.js";
import { renderClock, renderPlace, renderSteps } from "./console/clock.js";
import { evaluationPanel } from "./console/evaluation.js";
import { notesPanel } from "./console/notes.js";
import { peoplePanel } from "./console/people.js";
import { roundPanel } from "./console/rounds.js";
import { narratorPanel, questionsPanel } from "./console/talk.js";
import { proposalsPanel } from "./console/proposals.js";
import { reportPanel } from "./console/synthesis.js";
import { votePanel } from "./console/vote.js";

const root = $("#app");
const connection = new Connection({
  session: root.dataset.session,
  role: "animateur", // the console's page role: the server knows who is behind it
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

const ctx = {
  connection,
  session: root.dataset.session,
  run: (name, args = {}) => run(connection, name, args),
  behalf: () => $("#on-behalf").value, // a participant id, or "" for the team itself
  steering: () => (connection.state?.me?.role ?? root.dataset.role) === "animateur",
};

// One panel per step kind, made with (ctx, step); steps without one
// (agreement, narration, discussion) have the notes and the people only. Kinds of
// step brought by a module bring theirs (static/js/kinds.js).
const PANELS = {
  round: roundPanel,
  proposals: proposalsPanel,
  vote: votePanel,
  stakes: (c) => narratorPanel(c, CONTRIBUTION_KINDS.stakes),
  questions: questionsPanel,
  reactions: (c) => narratorPanel(c, CONTRIBUTION_KINDS.reactions),
  analysis: boardPanel,
  theory: boardPanel,
  hypotheses: boardPanel,
  perspectives: perspectivesPanel,
  evaluation: evaluationPanel,
  ...Object.fromEntries(
    Object.entries(KINDS)
      .filter(([, module]) => module.consolePanel)
      .map(([kind, module]) => [kind, module.consolePanel]),
  ),
};
const panels = {}; // by step index: built once, so its forms keep what is typed
const people = peoplePanel(ctx);
const notes = notesPanel(ctx);
const report = reportPanel(ctx);

function panelOf(state, step) {
  if (!step || !PANELS[step.kind]) return null;
  const index = state.session.step_index;
  panels[index] ??= PANELS[step.kind](ctx, step);
  return panels[index];
}

function renderControls(state) {
  const { session, protocol } = state;
  const steering = ctx.steering();
  const running = session.status === "running";
  const over = session.status === "ended" || session.status === "archived";
  const index = session.step_index;
  show($("#controls"), steering && !over);
  show($("#start"), session.status === "lobby");
  show($("#previous"), running && index > 0);
  show($("#next"), running && index < protocol.steps.length - 1);
  show($("#end"), running);
  $("#joining").textContent = session.is_joining_open ? t("close_joining") : t("open_joining");
  show($("#joining"), steering && !over);
  $("#joining-state").textContent = session.is_joining_open ? t("joining_open") : t("joining_closed");
}

function render(state, presence) {
  const { session } = state;
  document.title = `${session.title} · ${t("console")}`;
  $("#session-title").textContent = session.title;
  $("#session-question").textContent = session.question;
  $("#session-status").textContent = t(`status_${session.status}`);
  renderControls(state);

  const running = session.status === "running";
  const step = running ? renderStep(state, $("#step")) : null;
  if (!running) show($("#step"), false);
  const now = connection.now();
  renderPlace(state);
  renderClock(state, now);
  renderSteps(state, now);
  show($("#entry-for"), running);
  people.render(state, presence, step);
  show($("#notes"), running);
  if (running) notes.render(state);

  const panel = panelOf(state, step);
  const work = $("#work");
  if (work.firstElementChild !== (panel?.el ?? null)) work.replaceChildren(...(panel ? [panel.el] : []));
  panel?.render(state, step, now);
  show($("#proposals"), step?.kind === "proposals");
  report.render(state);
}

// Leave the step (or end the session). When the step is hidden and what was
// said in it was never revealed, the server asks first: reveal it, or confirm
// that it stays hidden (kept in the log), or stay.
let leaving = null;

async function leave(name, args) {
  notify("");
  show($("#unrevealed"), false);
  const answer = await connection.command(name, args);
  if (answer.ok) return;
  if (answer.error.code !== "unrevealed") {
    notify(answer.error.message);
    return;
  }
  leaving = { name, args };
  $("#unrevealed-message").textContent = answer.error.message;
  show($("#unrevealed"), true);
  $("#unrevealed-reveal").focus();
}

function decide(choice) {
  const pending = leaving;
  leaving = null;
  show($("#unrevealed"), false);
  if (!pending) return;
  if (choice === "reveal") ctx.run("reveal");
  if (choice === "keep") leave(pending.name, { ...pending.args, keep_hidden: true });
}

function stepCommand(name) {
  return () => leave(name, { from_index: connection.state.session.step_index });
}

$("#start").addEventListener("click", () => ctx.run("start_session"));
$("#next").addEventListener("click", stepCommand("next_step"));
$("#previous").addEventListener("click", stepCommand("previous_step"));
$("#end").addEventListener("click", () => {
  if (window.confirm(t("confirm_end"))) leave("end_session", {});
});
$("#unrevealed-reveal").addEventListener("click", () => decide("reveal"));
$("#unrevealed-keep").addEventListener("click", () => decide("keep"));
$("#unrevealed-cancel").addEventListener("click", () => decide("cancel"));
$("#joining").addEventListener("click", () =>
  ctx.run(connection.state.session.is_joining_open ? "close_joining" : "open_joining"),
);
// The "Saisir pour" choice changes which entry forms show (ballot, evaluation, support).
$("#on-behalf").addEventListener("change", () => connection.state && render(connection.state, connection.presence));

// Clocks between events: the step's time, the protocol list, the speaker's timer.
setInterval(() => {
  const state = connection.state;
  if (!state || !state.admitted || state.session.status !== "running") return;
  const now = connection.now();
  renderClock(state, now);
  renderSteps(state, now);
  panelOf(state, currentStep(state))?.tick?.(state, now);
}, 1000);
