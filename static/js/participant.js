// The participant's screen, phone first: the convention to accept, then
// the current step and what is expected of them now.

import { Connection, newId } from "./connection.js";
import { $, h, replaceKeepingFocus, show } from "./dom.js";
import { t } from "./i18n.js";
import { notify, proposalItem, refused, renderStep, run, setStatus } from "./common.js";

const root = $("#app");
const connection = new Connection({
  session: root.dataset.session,
  role: "participant",
  onChange: render,
  onStatus: setStatus,
  onRefused: refused,
});

let editing = null; // id of the proposal being edited, or null

function render(state) {
  const me = state.me.participant_id;
  show($("#convention"), !state.admitted);
  $("#convention-text").textContent = state.session.convention.text;
  const status = state.session.status;
  show($("#lobby"), state.admitted && status === "lobby");
  show($("#ended"), state.admitted && status === "ended");
  if (!state.admitted) return;
  $("#welcome").textContent = t("welcome", { pseudonym: state.participants[me].pseudonym });
  const step = status === "running" ? renderStep(state, $("#step")) : null;
  if (!step) show($("#step"), false);
  const contributes = step && step.contributors.includes("participants");
  $("#expected").textContent = step ? t(contributes ? `expect_${step.kind}` : "expect_listen") : "";
  const proposals = step && step.kind === "proposals";
  show($("#proposals"), Boolean(proposals));
  if (!proposals) {
    if (editing) resetForm(); // the step moved on while the person was editing
    return;
  }
  show($("#proposal-form"), Boolean(contributes));
  const all = Object.entries(state.proposals);
  const mine = all.filter(([, p]) => p.author_id === me);
  const others = all.filter(([, p]) => p.author_id !== me);
  replaceKeepingFocus(
    $("#my-proposals"),
    mine.map(([id, p]) =>
      proposalItem(p, state, [
        h("button", { type: "button", "data-focus-key": `edit:${id}`, onclick: () => startEdit(id, p), "aria-label": t("edit_named", { title: p.title }) }, t("edit")),
        h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${id}`, onclick: () => withdraw(id), "aria-label": t("withdraw_named", { title: p.title }) }, t("withdraw")),
      ]),
    ),
  );
  show($("#my-proposals-heading"), mine.length > 0);
  $("#other-proposals").replaceChildren(...others.map(([, p]) => proposalItem(p, state)));
  $("#proposal-count").textContent = t("other_proposals", { count: others.length });
}

function startEdit(id, proposal) {
  editing = id;
  $("#proposal-title").value = proposal.title;
  $("#proposal-body").value = proposal.body;
  $("#proposal-submit").textContent = t("save_changes");
  show($("#proposal-cancel"), true);
  $("#proposal-title").focus();
}

function resetForm() {
  editing = null;
  $("#proposal-form").reset();
  $("#proposal-submit").textContent = t("submit_proposal");
  show($("#proposal-cancel"), false);
}

async function withdraw(id) {
  if (!window.confirm(t("confirm_withdraw"))) return;
  await run(connection, "withdraw_proposal", { proposal_id: id });
  if (editing === id) resetForm();
}

$("#accept-convention").addEventListener("click", async () => {
  const ok = await run(connection, "accept_convention", {
    version: connection.state.session.convention.version,
  });
  if (ok) connection.sync({ full: true });
});

$("#proposal-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const args = { title: $("#proposal-title").value, body: $("#proposal-body").value };
  const button = $("#proposal-submit");
  button.disabled = true;
  const ok = editing
    ? await run(connection, "edit_proposal", { proposal_id: editing, ...args })
    : await run(connection, "submit_proposal", { proposal_id: newId(), ...args });
  button.disabled = false;
  if (ok) resetForm();
});

$("#proposal-cancel").addEventListener("click", resetForm);
notify("");
// Keep the elapsed time fresh between events (only the step panel: the lists keep focus).
setInterval(() => {
  const state = connection.state;
  if (state && state.admitted && state.session.status === "running") renderStep(state, $("#step"));
}, 30000);
