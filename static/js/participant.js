// The participant's screen, phone first: the convention to accept, then the
// current step and what is expected of them now. One screen per step kind
// (static/js/participant/), made once with the page's context. The forms live
// in the template and are never rebuilt, so a re-render after an event never
// loses what someone is typing.

import { Connection } from "./connection.js";
import { $, h, replaceKeepingFocus, show } from "./dom.js";
import { has, t } from "./i18n.js";
import { announce, authorLabel, clockTime, notify, pseudonym, recitTitle, refused, renderStep, run, setStatus } from "./common.js";
import { afterSession } from "./review.js";
import { contributionsHere } from "./store.js";
import { KINDS } from "./kinds.js";
import { analysisScreen, hypothesesScreen, theoryScreen } from "./participant/analysis.js";
import { evaluationScreen } from "./participant/evaluation.js";
import { perspectivesScreen } from "./participant/perspectives.js";
import { proposalsScreen } from "./participant/proposals.js";
import { roundScreen } from "./participant/rounds.js";
import { narratorScreen, questionsScreen } from "./participant/talk.js";
import { busy, forgetLanding, landFocus } from "./participant/ui.js";
import { voteScreen } from "./participant/vote.js";

const root = $("#app");
const connection = new Connection({
  session: root.dataset.session,
  role: "participant",
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

const ctx = {
  connection,
  run: (name, args) => run(connection, name, args),
  render: () => render(connection.state),
};

// The synthesis to reread and approve, and withdrawing one's participation (static/js/review.js).
const after = afterSession(connection);

// Steps that only ask to listen, with their own explanation.
const LISTENING = new Set(["narration", "stakes", "reactions"]);
// Steps where the narrator has a part of their own.
const NARRATOR_PART = new Set(["narration", "stakes", "questions", "round", "reactions"]);

// One screen per step kind: { section (its element), render(state, step, view), leave?(),
// tick?(state) }. Narration, stakes and reactions share one.
const narrator = narratorScreen(ctx);
const SCREENS = {
  proposals: proposalsScreen(ctx),
  vote: voteScreen(ctx),
  round: roundScreen(ctx),
  narration: narrator,
  stakes: narrator,
  reactions: narrator,
  questions: questionsScreen(ctx),
  analysis: analysisScreen(ctx),
  theory: theoryScreen(ctx),
  hypotheses: hypothesesScreen(ctx),
  perspectives: perspectivesScreen(ctx),
  evaluation: evaluationScreen(ctx),
};
// Kinds of step brought by a module (static/js/kinds.js) build their own section.
for (const [kind, module] of Object.entries(KINDS)) {
  if (!module.participantScreen) continue;
  SCREENS[kind] = module.participantScreen(ctx);
  $("#notes").before(SCREENS[kind].section);
}
const screens = [...new Set(Object.values(SCREENS))];

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
  const moved = place !== null && here !== place; // not on the page's first render
  if (here !== place) {
    place = here;
    for (const screen of screens) screen.leave?.();
    $(".step-instructions").open = false; // a new step's instructions start folded
    if (moved) forgetLanding();
  }

  renderNarratorPrompt(state, me);
  renderRecit(state, step);
  const recit = state.session.recit_index;
  const isNarrator = recit !== null && recit !== undefined && state.recits[recit]?.narrator_id === me;
  const view = {
    me,
    isNarrator,
    contributes: Boolean(step) && (step.contributors.includes("participants") || (isNarrator && step.contributors.includes("narrateur"))),
  };
  if (step) $("#expected").textContent = expectation(step, view);
  if (step && moved) announce(t("step_announce", { step: $("#step-title").textContent, expected: $("#expected").textContent }));
  const current = step && SCREENS[step.kind];
  for (const screen of screens) show(screen.section, screen === current);
  renderNotes(state, step);
  if (current) current.render(state, step, view);
  landFocus();
}

function expectation(step, { isNarrator, contributes }) {
  if (isNarrator && NARRATOR_PART.has(step.kind)) return t(`expect_narrator_${step.kind}`);
  const own = `expect_${step.kind}`; // a kind brought by a module may have none
  return contributes || LISTENING.has(step.kind) ? t(has(own) ? own : "expect_contribute") : t("expect_listen");
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
          h("button", { type: "button", "data-focus-key": `accept:${r.index}`, onclick: (e) => busy(e.currentTarget, () => ctx.run("accept_narration", { recit: r.index })) }, t("accept_narration")),
          h("button", { type: "button", class: "secondary", "data-focus-key": `decline:${r.index}`, onclick: (e) => busy(e.currentTarget, () => ctx.run("decline_narration", { recit: r.index })) }, t("decline_narration")),
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

// ------------------------------------------------------------------ events

$("#accept-convention").addEventListener("click", async (e) => {
  const ok = await busy(e.currentTarget, () =>
    ctx.run("accept_convention", {
      version: connection.state.session.convention.version,
      language: connection.state.session.convention.language, // the text they read
    }),
  );
  if (ok) connection.sync({ full: true });
});

notify("");
// Every second: the speaker's timer; every 30 s, the step's elapsed time (neither touches a form).
let ticks = 0;
setInterval(() => {
  const state = connection.state;
  if (!state || !state.admitted || state.session.status !== "running") return;
  for (const screen of screens) screen.tick?.(state);
  ticks += 1;
  if (ticks % 30 === 0) renderStep(state, $("#step"));
}, 1000);
