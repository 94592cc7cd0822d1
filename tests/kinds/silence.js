// The screens of the « minute de silence » (tests/kinds/silence.py). It stands for
// static/js/kinds/silence.js, where a kind brought by a module has its screens;
// the tests serve it at that address.

import { h, show } from "../dom.js";
import { t } from "../i18n.js";
import { button, card } from "../console/ui.js";

const KIND = "silence";

function isObserved(state) {
  return Boolean(state.kind_state[KIND]?.observed?.[String(state.session.step_index)]);
}

// Mirrors the module's FOLDS.
export const reducers = {
  silence_observed(state, data) {
    state.kind_state[KIND] ??= { observed: {} };
    state.kind_state[KIND].observed[String(data.step_index)] = data.seconds;
  },
};

export function participantScreen() {
  const status = h("p", { class: "lead" });
  const section = h(
    "section",
    { id: "silence", hidden: true, "aria-labelledby": "silence-heading" },
    h("h2", { id: "silence-heading", text: t("silence_heading") }),
    status,
  );
  return {
    section,
    render(state) {
      status.textContent = t(isObserved(state) ? "silence_done" : "silence_waiting");
    },
  };
}

export function consolePanel(ctx) {
  const status = h("p", { class: "lead" });
  const observe = button(t("silence_observe"), () => ctx.run("observe_silence"));
  return {
    el: card(t("silence_heading"), status, observe),
    render(state) {
      const done = isObserved(state);
      status.textContent = t(done ? "silence_done" : "silence_waiting");
      show(observe, ctx.steering() && !done);
    },
  };
}
