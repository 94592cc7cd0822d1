// The projection screen: what every admitted participant sees, for the room's
// projector. Read-only: it sends no command. A first version showing the
// session and its current step; richer views come later.

import { Connection } from "./connection.js";
import { $, show } from "./dom.js";
import { t } from "./i18n.js";
import { refused, renderStep, setStatus } from "./common.js";

const root = $("#app");
const connection = new Connection({
  session: root.dataset.session,
  role: "observateur",
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

function render(state) {
  const { session } = state;
  document.title = session.title;
  $("#session-title").textContent = session.title;
  $("#session-question").textContent = session.question;
  $("#session-status").textContent = t(`status_${session.status}`);
  if (state.admitted && session.status === "running") renderStep(state, $("#step"));
  else show($("#step"), false);
}

// Keep the elapsed time fresh between events.
setInterval(() => connection.state && render(connection.state), 30000);
