// Where the session is and how long it has taken: the current récit, the
// time spent on this step against the planned time (an overrun shows, never
// stops anything), and the real time of every step in the protocol list.

import { recitTitle } from "../common.js";
import { $, h, show } from "../dom.js";
import { t } from "../i18n.js";
import { currentStep, secondsSpent } from "../store.js";
import { pseudonym, renderList } from "./ui.js";

const recitLine = h("p", { id: "step-recit", class: "lead console-recit", hidden: true });
$("#step [data-field=title]").after(recitLine);

// Minutes spent on a step over all its visits, and for how many récits it ran.
function timeOnStep(state, index, now) {
  const visits = state.visits.filter((v) => v.step_index === index);
  const end = (v) => (v.ended_at ? Date.parse(v.ended_at) : now);
  const ms = visits.reduce((sum, v) => sum + end(v) - Date.parse(v.started_at), 0);
  const runs = new Set(visits.map((v) => v.recit)).size;
  return { visited: visits.length > 0, minutes: Math.floor(ms / 60000), runs };
}

export function renderPlace(state) {
  const index = state.session.recit_index;
  const recit = index === null || index === undefined ? null : state.recits[index];
  show(recitLine, Boolean(recit));
  if (recit) {
    const narrator = t("narrated_by", { pseudonym: pseudonym(state, recit.narrator_id) });
    recitLine.textContent = `${recitTitle(state, index)} · ${narrator}`;
  }
}

// The step card's time line: "Étape 4 sur 17 · 12 min sur 30 prévues" and "+5 min" past it.
export function renderClock(state, now) {
  const step = currentStep(state);
  const meta = $("#step [data-field=meta]");
  if (!step || state.session.status !== "running") return;
  const { step_index: index, recit_index: recit } = state.session;
  const spent = Math.floor(secondsSpent(state, index, recit, now) / 60);
  const over = spent - step.duration_minutes;
  const position = t("step_position", { index: index + 1, count: state.protocol.steps.length });
  const time = t("console_spent_of_planned", { spent, planned: step.duration_minutes });
  meta.replaceChildren(`${position} · ${time}`);
  if (over > 0) meta.append(h("span", { class: "badge console-overrun" }, t("console_overrun", { minutes: over })));
}

// The protocol's steps, with the real time of those done next to the planned time.
export function renderSteps(state, now) {
  const { status, step_index: current } = state.session;
  renderList(
    $("#steps"),
    state.protocol.steps.map((step, i) => {
      const { visited, minutes, runs } = timeOnStep(state, i, now);
      const planned = step.duration_minutes * Math.max(1, runs); // per récit when it ran for several
      return {
        key: String(i),
        number: step.number,
        title: step.title,
        current: status === "running" && i === current,
        done: status === "ended" || i < current,
        time: visited
          ? t("console_spent_of_planned", { spent: minutes, planned })
          : t("minutes", { count: step.duration_minutes }),
        over: visited && minutes > planned,
      };
    }),
    (item) =>
      h(
        "li",
        { "aria-current": item.current ? "step" : null, class: item.done ? "done" : "" },
        h("span", { class: "number", text: item.number }),
        ` ${item.title} `,
        h("span", { class: `meta${item.over ? " console-over" : ""}`, text: item.time }),
      ),
  );
}
