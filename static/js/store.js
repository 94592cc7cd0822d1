// The browser's copy of the session: a snapshot from the server, then the
// same events the server applied, applied here in sequence order.
// Mirrors mag/domain/state.py and the shape of mag/domain/views.py:snapshot.

const reducers = {
  session_created() {},
  participant_joined(state, data) {
    state.participants[data.participant_id] = {
      pseudonym: data.pseudonym,
      function: data.function,
      has_accepted: false,
    };
  },
  convention_accepted(state, data) {
    const participant = state.participants[data.participant_id];
    if (participant) participant.has_accepted = data.version === state.session.convention.version;
  },
  joining_closed(state) {
    state.session.is_joining_open = false;
  },
  joining_opened(state) {
    state.session.is_joining_open = true;
  },
  session_started(state, data, event) {
    state.session.status = "running";
    state.session.step_index = 0;
    state.session.step_started_at = event.at;
  },
  step_changed(state, data, event) {
    state.session.step_index = data.index;
    state.session.step_started_at = event.at;
  },
  session_ended(state) {
    state.session.status = "ended";
    state.session.is_joining_open = false;
  },
  proposal_submitted(state, data) {
    state.proposals[data.proposal_id] = {
      author_id: data.author_id,
      title: data.title,
      body: data.body,
      step_index: data.step_index,
    };
  },
  proposal_edited(state, data) {
    const proposal = state.proposals[data.proposal_id];
    if (proposal) Object.assign(proposal, { title: data.title, body: data.body });
  },
  proposal_withdrawn(state, data) {
    delete state.proposals[data.proposal_id];
  },
};

export function applyEvent(state, event) {
  if (event.seq <= state.seq) return false; // already applied: replays are harmless
  const reducer = reducers[event.type];
  if (!reducer) throw new Error(`unknown event type ${event.type}`);
  if (state.admitted) reducer(state, event.data, event);
  state.seq = event.seq;
  return true;
}

export function currentStep(state) {
  const index = state.session.step_index;
  if (!state.protocol || index === null || index === undefined) return null;
  return state.protocol.steps[index];
}
