// The browser's copy of the session: a snapshot from the server, then the
// same events the server applied, applied here in sequence order.
// Mirrors mag/domain/state.py and the shape of mag/domain/views.py:snapshot.
// The server sends each viewer only the events it may see; these reducers
// never have to hide anything.

export function roundKey(stepIndex, recit) {
  return `${stepIndex}:${recit === null || recit === undefined ? "-" : recit}`;
}

function enter(state, index, recit, at) {
  const last = state.visits[state.visits.length - 1];
  if (last && !last.ended_at) last.ended_at = at;
  Object.assign(state.session, { step_index: index, recit_index: recit, step_started_at: at });
  state.visits.push({ step_index: index, recit, started_at: at, ended_at: null });
}

function currentRound(state) {
  return state.rounds[roundKey(state.session.step_index, state.session.recit_index)];
}

function addContribution(state, data, at) {
  state.contributions[data.contribution_id] = {
    title: "", body: "", reference: "", level: "", board_kind: "", item_id: "",
    links: [], replies_to: [], status: "", is_hand: false, is_hidden: false,
    deferred_from: null, supporters: [], edited_by: null,
    ...data,
    at: data.at || at,
  };
}

const CONTRIBUTION_FIELDS = ["title", "body", "reference", "level", "board_kind", "item_id", "links", "replies_to"];

const reducers = {
  session_created() {},
  participant_joined(state, data) {
    state.participants[data.participant_id] = {
      pseudonym: data.pseudonym,
      function: data.function,
      has_accepted: false,
      entered_by: data.entered_by ?? null,
      withdrawn: false,
    };
  },
  convention_accepted(state, data) {
    const participant = state.participants[data.participant_id];
    if (participant) participant.has_accepted = data.version === state.session.convention.version;
  },
  member_invited(state, data) {
    state.members[data.member_id] = { role: data.role, name: data.name };
  },
  joining_closed(state) {
    state.session.is_joining_open = false;
  },
  joining_opened(state) {
    state.session.is_joining_open = true;
  },
  session_started(state, data, event) {
    state.session.status = "running";
    enter(state, 0, null, event.at);
  },
  step_changed(state, data, event) {
    enter(state, data.index, data.recit ?? null, event.at);
  },
  session_ended(state, data, event) {
    state.session.status = "ended";
    state.session.is_joining_open = false;
    const last = state.visits[state.visits.length - 1];
    if (last && !last.ended_at) last.ended_at = event.at;
  },
  proposal_submitted(state, data) {
    state.proposals[data.proposal_id] = {
      author_id: data.author_id,
      entered_by: data.entered_by ?? null,
      from_fiche: data.fiche_id != null,
      awaiting_consent: data.awaiting_consent === true,
      title: data.title,
      body: data.body,
      step_index: data.step_index,
    };
  },
  // A fiche's author agreed: the whole proposal, for the screens that never had it.
  proposal_consented(state, data) {
    reducers.proposal_submitted(state, data);
  },
  proposal_edited(state, data) {
    const proposal = state.proposals[data.proposal_id];
    if (proposal) Object.assign(proposal, { title: data.title, body: data.body });
  },
  proposal_withdrawn(state, data) {
    delete state.proposals[data.proposal_id];
  },
  ballot_cast(state, data) {
    state.vote.my_ballot = data.choices; // only ever sent to the voter
  },
  voted(state, data) {
    state.vote.voters.push(data.participant_id);
  },
  vote_closed(state, data) {
    state.vote.is_closed = true;
    state.vote.results = data.results;
  },
  vote_reopened(state) {
    state.vote.is_closed = false;
    state.vote.results = [];
  },
  recits_chosen(state, data) {
    state.recits = data.recits.map((r) => ({ ...r, accepted: null }));
  },
  narration_accepted(state, data) {
    state.recits[data.recit].accepted = true;
  },
  narration_declined(state, data) {
    state.recits[data.recit].accepted = false;
  },
  contribution_added(state, data, event) {
    addContribution(state, data, event.at);
  },
  contribution_edited(state, data) {
    const contribution = state.contributions[data.contribution_id];
    if (!contribution) return;
    for (const name of CONTRIBUTION_FIELDS) if (name in data) contribution[name] = data[name];
    const editor = data.entered_by ?? null;
    if (contribution.is_hand) contribution.entered_by = editor;
    contribution.edited_by = editor;
    contribution.is_hand = false;
  },
  contribution_withdrawn(state, data) {
    delete state.contributions[data.contribution_id];
  },
  contributions_revealed(state, data, event) {
    state.revealed.push([data.step_index, data.recit]);
    for (const item of data.contributions) {
      if (!state.contributions[item.contribution_id]) addContribution(state, item, event.at);
      state.contributions[item.contribution_id].is_hidden = false;
    }
  },
  hidden_kept() {}, // the animateur left a hidden step without revealing it: nothing shows
  question_marked(state, data) {
    if (data.status === "current") {
      for (const c of Object.values(state.contributions)) {
        if (c.kind === "question" && c.status === "current") c.status = "queued";
      }
    }
    const question = state.contributions[data.contribution_id];
    if (question) question.status = data.status;
  },
  question_deferred(state, data) {
    const question = state.contributions[data.contribution_id];
    if (!question) return;
    Object.assign(question, {
      deferred_from: question.step_index,
      step_index: data.step_index,
      kind: "interpretation",
      status: "",
      is_hidden: false,
    });
  },
  seating_set(state, data) {
    state.seating = data.order;
  },
  round_started(state, data, event) {
    state.rounds[roundKey(data.step_index, data.recit)] = {
      step_index: data.step_index,
      recit: data.recit,
      order: [...data.order],
      position: 0,
      outcomes: {},
      passed_once: [],
      last: data.last ?? null, // the narrator, who keeps the last place
      turn_seconds: data.turn_seconds,
      turn_started_at: event.at,
      paused_at: null,
      paused_seconds: 0,
      extra_seconds: 0,
    };
  },
  turn_ended(state, data, event) {
    const round = currentRound(state);
    const speaker = round.order[round.position];
    if (data.outcome === "passed" && !round.passed_once.includes(speaker)) {
      round.passed_once.push(speaker);
      // Back at the end of the round, before the narrator still to speak (as mag/domain/state.py).
      let at = round.order.length;
      if (speaker !== round.last && round.order[at - 1] === round.last && at - 1 > round.position) at -= 1;
      round.order.splice(at, 0, speaker);
    } else {
      round.outcomes[speaker] = data.outcome;
    }
    Object.assign(round, {
      position: round.position + 1,
      turn_started_at: event.at,
      paused_at: null,
      paused_seconds: 0,
      extra_seconds: 0,
    });
  },
  timer_paused(state, data, event) {
    currentRound(state).paused_at = event.at;
  },
  timer_resumed(state, data, event) {
    const round = currentRound(state);
    round.paused_seconds += (new Date(event.at) - new Date(round.paused_at)) / 1000;
    round.paused_at = null;
  },
  timer_extended(state, data) {
    currentRound(state).extra_seconds += data.seconds;
  },
  board_item_added(state, data) {
    state.board[data.item_id] = {
      kind: data.kind,
      title: data.title,
      formulation: data.formulation,
      recit: data.recit,
      links: data.links,
      position: data.position,
    };
  },
  board_item_edited(state, data) {
    const { kind, title, formulation, links } = data;
    Object.assign(state.board[data.item_id], { kind, title, formulation, links });
  },
  board_item_removed(state, data) {
    delete state.board[data.item_id];
  },
  board_reordered(state, data) {
    data.order.forEach((id, position) => {
      state.board[id].position = position;
    });
  },
  suggestion_settled(state, data) {
    const suggestion = state.contributions[data.contribution_id];
    if (suggestion) suggestion.status = data.status;
  },
  perspective_supported(state, data) {
    const perspective = state.contributions[data.contribution_id];
    if (perspective) perspective.supporters.push(data.participant_id);
  },
  perspective_unsupported(state, data) {
    const perspective = state.contributions[data.contribution_id];
    if (perspective) perspective.supporters = perspective.supporters.filter((id) => id !== data.participant_id);
  },
  evaluation_answered() {}, // never sent to a browser: answers are only shown summarised
  evaluation_done(state, data) {
    state.evaluation.evaluated.push(data.participant_id);
  },
  evaluation_revealed(state, data) {
    state.evaluation.summary = data.summary;
  },
  // After the session: the synthesis (staff only), its validation, settings, archive.
  synthesis_saved(state, data, event) {
    state.synthesis ??= { text: "", versions: [] };
    state.synthesis.text = data.text;
    state.synthesis.versions.push({ version: data.version, author: event.actor, at: event.at });
  },
  validation_opened(state, data) {
    Object.assign(state.validation, { is_open: true, version: data.version });
  },
  validation_closed(state) {
    state.validation.is_open = false;
  },
  synthesis_commented(state, data, event) {
    state.comments[data.comment_id] = {
      participant_id: data.participant_id,
      entered_by: data.entered_by ?? null,
      version: data.version,
      section: data.section,
      body: data.body,
      is_amendment: data.is_amendment,
      status: data.is_amendment ? "pending" : "",
      at: event.at,
    };
  },
  amendment_settled(state, data) {
    const comment = state.comments[data.comment_id];
    if (comment) comment.status = data.status;
  },
  synthesis_approved(state, data, event) {
    state.validation.approvals.push({ participant_id: data.participant_id, version: data.version, at: event.at });
  },
  settings_changed(state, data) {
    state.settings ??= { attribution: "function", withdrawal: "replace", retention_until: null, language: "fr" };
    for (const name of ["attribution", "withdrawal", "retention_until", "language"]) {
      if (name in data) state.settings[name] = data[name] ?? null;
    }
  },
  replacements_set(state, data) {
    state.replacements = data.replacements.map(({ find, replace }) => ({ find, replace }));
  },
  consent_withdrawn(state, data) {
    const participant = state.participants[data.participant_id];
    if (participant) participant.withdrawn = true;
  },
  session_archived(state, data) {
    state.session.status = "archived";
    state.validation.is_open = false;
    if ("archive_folder" in state) state.archive_folder = data.folder; // staff snapshots have it
  },
};

// Each pseudonym → its person's function when exports name people by function;
// mirrors SessionState.automatic_replacements (mag/domain/state.py).
export function automaticReplacements(state) {
  if ((state.settings?.attribution ?? "function") !== "function") return [];
  const listed = new Set((state.replacements ?? []).map((r) => r.find.toLowerCase()));
  return Object.values(state.participants)
    .filter((p) => p.function && !p.withdrawn && !listed.has(p.pseudonym.toLowerCase()))
    .map((p) => ({ find: p.pseudonym, replace: p.function }));
}

// The folds of a kind of step brought by a module (static/js/kinds.js adds them).
export function addReducers(more) {
  for (const [type, reducer] of Object.entries(more)) {
    if (type in reducers) throw new Error(`event type ${type} folded twice`);
    reducers[type] = reducer;
  }
}

export function applyEvent(state, event) {
  if (event.seq <= state.seq) return false; // already applied: replays are harmless
  const reducer = reducers[event.type];
  if (!reducer) throw new Error(`unknown event type ${event.type}`);
  if (state.admitted) reducer(state, event.data, event);
  state.seq = event.seq;
  return true;
}

// The evaluation's summary (null before it is revealed), its questions worded as this
// page's protocol words them: in the viewer's language, where the protocol gives it.
export function evaluationSummary(state) {
  const summary = state.evaluation.summary;
  if (!summary) return null;
  const texts = new Map(state.protocol.steps.flatMap((step) => step.options?.questions ?? []).map((q) => [q.id, q.text]));
  return { ...summary, questions: summary.questions.map((q) => ({ ...q, text: texts.get(q.id) ?? q.text })) };
}

export function currentStep(state) {
  const index = state.session.step_index;
  if (!state.protocol || index === null || index === undefined) return null;
  return state.protocol.steps[index];
}

export { currentRound };

// Whose turn it is (null before the round or once it is over), as Round.speaker on the server.
export function speakerOf(round) {
  return round && round.position < round.order.length ? round.order[round.position] : null;
}

// Oldest first (ISO times compare as text).
export const byTime = (a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

// Contributions made at the session's current place (step and récit), oldest first.
export function contributionsHere(state, kind) {
  const { step_index: step, recit_index: recit } = state.session;
  return Object.values(state.contributions)
    .filter((c) => c.step_index === step && (c.recit ?? null) === (recit ?? null) && (!kind || c.kind === kind))
    .sort(byTime);
}

// Whether the animateur revealed the hidden contributions of the current step and récit.
export function isRevealedHere(state) {
  const { step_index: step, recit_index: recit } = state.session;
  return state.revealed.some(([s, r]) => s === step && (r ?? null) === (recit ?? null));
}

// Seconds left in the current speaker's turn (negative past the time: it warns, never cuts).
export function turnSecondsLeft(round, now = Date.now()) {
  if (!round || !round.turn_started_at) return null;
  const end = round.paused_at ? new Date(round.paused_at).getTime() : now;
  const elapsed = (end - new Date(round.turn_started_at).getTime()) / 1000 - round.paused_seconds;
  return Math.round(round.turn_seconds + round.extra_seconds - elapsed);
}

// Seconds spent on a step (and récit) over all its visits.
export function secondsSpent(state, stepIndex, recit, now = Date.now()) {
  return state.visits
    .filter((v) => v.step_index === stepIndex && (v.recit ?? null) === (recit ?? null))
    .reduce((sum, v) => sum + ((v.ended_at ? new Date(v.ended_at).getTime() : now) - new Date(v.started_at).getTime()) / 1000, 0);
}
