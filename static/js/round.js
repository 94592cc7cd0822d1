// The round (tour de table) widget, shared by every screen: who speaks now,
// who is next, the whole speaking order and the speaker's timer. Read-only:
// it sends nothing. Built once per root element, then only its texts change,
// so the polite live region announces a new speaker, never the ticking timer.

import { pseudonym } from "./common.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { currentRound, speakerOf, turnSecondsLeft } from "./store.js";

// 75 -> "1:15" (the sign is dropped: callers say whether it is left or over).
export function formatSeconds(seconds) {
  const total = Math.round(Math.abs(seconds));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function timerParams(seconds) {
  const [minutes, rest] = formatSeconds(seconds).split(":");
  return { minutes, seconds: rest };
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
  el.hidden = !text;
}

function build(root) {
  const parts = {
    status: h("p", { class: "round-status" }),
    // Only the current speaker is announced (the participant's page says "your turn" itself).
    live: h("div", { class: "round-live", "aria-live": "polite" }),
    now: h("p", { class: "round-now" }),
    next: h("p", { class: "round-next" }),
    timer: h("p", { class: "round-timer", role: "timer", "aria-live": "off" }),
    order: h("ol", { class: "round-order", "aria-label": t("round_order") }),
  };
  parts.live.append(parts.now);
  const box = h("div", { class: "round" }, parts.status, parts.live, parts.next, parts.timer, parts.order);
  root.replaceChildren(box);
  root.roundParts = { ...parts, box };
  return root.roundParts;
}

// What happened to the speaker at `index` of the order (a person who passed once appears twice).
function markOf(round, index) {
  const id = round.order[index];
  const comesBackLater = round.order.indexOf(id, index + 1) !== -1;
  if (index < round.position) {
    if (comesBackLater) return { cls: "round-passed", text: `${t("passed")} · ${t("comes_back")}` };
    return round.outcomes[id] === "passed"
      ? { cls: "round-passed", text: t("passed") }
      : { cls: "round-spoke", text: t("spoke") };
  }
  if (index === round.position) return { cls: "round-current", text: t("round_speaking") };
  if (round.order.lastIndexOf(id, index - 1) !== -1) return { cls: "round-later", text: t("comes_back") };
  return { cls: "round-later", text: "" };
}

function renderOrder(list, round, state, me) {
  const key = JSON.stringify([round.order, round.position, round.outcomes, me]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(
    ...round.order.map((id, index) => {
      const mark = markOf(round, index);
      return h(
        "li",
        { class: mark.cls, "aria-current": index === round.position ? "true" : null },
        h("span", { class: "round-name", text: pseudonym(state, id) }),
        id === me ? h("span", { class: "round-me", text: ` ${t("round_you")}` }) : null,
        mark.text ? h("span", { class: "round-mark", text: ` · ${mark.text}` }) : null,
      );
    }),
  );
}

function timerText(round, now) {
  const left = turnSecondsLeft(round, now);
  if (left === null) return { text: "", over: false };
  const time = left >= 0 ? t("timer_left", timerParams(left)) : t("timer_over", timerParams(left));
  if (round.paused_at) return { text: `${t("timer_paused")} · ${time}`, over: left < 0 };
  return { text: time, over: left < 0 };
}

export function renderRound(root, state, { now, me = null }) {
  // Built again if the caller emptied `root` since.
  const parts = root.roundParts?.box.parentNode === root ? root.roundParts : build(root);
  const round = currentRound(state);
  const speaker = speakerOf(round);
  const running = speaker !== null;
  const next = running ? round.order[round.position + 1] : undefined;

  setText(parts.status, !round ? t("round_not_started") : running ? "" : t("round_over"));
  setText(parts.now, speaker ? t("speaker_now", { pseudonym: pseudonym(state, speaker) }) : "");
  setText(parts.next, next ? t("speaker_next", { pseudonym: pseudonym(state, next) }) : "");
  const timer = running ? timerText(round, now) : { text: "", over: false };
  setText(parts.timer, timer.text);
  parts.timer.classList.toggle("round-over", timer.over);
  parts.order.hidden = !round;
  if (round) renderOrder(parts.order, round, state, me);
}
