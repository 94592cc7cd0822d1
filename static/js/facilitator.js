// The facilitator's console: the lobby, the step controls, the protocol's
// steps, and what participants contribute, all following live.

import { Connection } from "./connection.js";
import { $, h, show } from "./dom.js";
import { t, tn } from "./i18n.js";
import { proposalItem, refused, renderStep, run, setStatus } from "./common.js";

const root = $("#app");
const connection = new Connection({
  session: root.dataset.session,
  role: "animateur",
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

function render(state, presence) {
  const { session, protocol } = state;
  document.title = `${session.title} · ${t("console")}`;
  $("#session-title").textContent = session.title;
  $("#session-question").textContent = session.question;
  $("#session-status").textContent = t(`status_${session.status}`);

  const running = session.status === "running";
  const index = session.step_index;
  show($("#start"), session.status === "lobby");
  show($("#previous"), running && index > 0);
  show($("#next"), running && index < protocol.steps.length - 1);
  show($("#end"), running);
  $("#joining").textContent = session.is_joining_open ? t("close_joining") : t("open_joining");
  show($("#joining"), session.status !== "ended");
  $("#joining-state").textContent = session.is_joining_open ? t("joining_open") : t("joining_closed");

  if (running) renderStep(state, $("#step"));
  else show($("#step"), false);

  const participants = Object.entries(state.participants);
  $("#lobby-count").textContent = [
    tn("lobby_participants", participants.length),
    tn("lobby_connected", participants.filter(([id]) => presence.includes(id)).length),
    tn("lobby_accepted", participants.filter(([, p]) => p.has_accepted).length),
  ].join(" · ");
  $("#lobby-list").replaceChildren(
    ...participants.map(([id, p]) =>
      h(
        "tr",
        {},
        h("th", { scope: "row", text: p.pseudonym }),
        h("td", { text: p.function || "—" }),
        h("td", { class: presence.includes(id) ? "yes" : "no", text: presence.includes(id) ? t("connected") : t("not_connected") }),
        h("td", { class: p.has_accepted ? "yes" : "no", text: p.has_accepted ? t("accepted") : t("not_accepted") }),
      ),
    ),
  );
  show($("#lobby-empty"), participants.length === 0);
  show($("#lobby-table"), participants.length > 0);

  $("#steps").replaceChildren(
    ...protocol.steps.map((step, i) =>
      h(
        "li",
        { "aria-current": running && i === index ? "step" : null, class: i < index || session.status === "ended" ? "done" : "" },
        h("span", { class: "number", text: step.number }),
        ` ${step.title} `,
        h("span", { class: "meta", text: t("minutes", { count: step.duration_minutes }) }),
      ),
    ),
  );

  const proposals = Object.values(state.proposals);
  show($("#proposals"), proposals.length > 0);
  $("#proposals-heading").textContent = tn("proposal_count", proposals.length);
  $("#proposal-list").replaceChildren(...proposals.map((p) => proposalItem(p, state)));
}

function stepCommand(name) {
  return () => run(connection, name, { from_index: connection.state.session.step_index });
}

$("#start").addEventListener("click", () => run(connection, "start_session"));
$("#next").addEventListener("click", stepCommand("next_step"));
$("#previous").addEventListener("click", stepCommand("previous_step"));
$("#end").addEventListener("click", () => {
  if (window.confirm(t("confirm_end"))) run(connection, "end_session");
});
$("#joining").addEventListener("click", () =>
  run(connection, connection.state.session.is_joining_open ? "close_joining" : "open_joining"),
);
// Keep the elapsed time fresh between events.
setInterval(() => connection.state && render(connection.state, connection.presence), 30000);
