// Proposals of situations: one's own, to edit or withdraw, and the others'.
// The form is the template's; the proposal being edited lives here.

import { newId } from "../connection.js";
import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t } from "../i18n.js";
import { proposalItem } from "../common.js";
import { busy } from "./ui.js";

export function proposalsScreen(ctx) {
  let editing = null; // id of the proposal being edited, or null

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

  // A fiche of theirs the team brought: they say whether the group may see it.
  function consentActions(id) {
    const answer = (consent) => ctx.run("answer_fiche_proposal", { proposal_id: id, consent });
    return [
      h("p", { id: `consent-${id}`, text: t("fiche_consent_question") }),
      h("button", { type: "button", "data-focus-key": `agree:${id}`, onclick: () => answer(true), "aria-describedby": `consent-${id}` }, t("fiche_consent_yes")),
      h("button", { type: "button", class: "secondary", "data-focus-key": `decline:${id}`, onclick: () => answer(false), "aria-describedby": `consent-${id}` }, t("fiche_consent_no")),
    ];
  }

  async function withdraw(id) {
    if (!window.confirm(t("confirm_withdraw"))) return;
    await ctx.run("withdraw_proposal", { proposal_id: id });
    if (editing === id) resetForm();
  }

  $("#proposal-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const args = { title: $("#proposal-title").value, body: $("#proposal-body").value };
    const ok = await busy($("#proposal-submit"), () =>
      editing
        ? ctx.run("edit_proposal", { proposal_id: editing, ...args })
        : ctx.run("submit_proposal", { proposal_id: newId(), ...args }),
    );
    if (ok) resetForm();
  });
  $("#proposal-cancel").addEventListener("click", resetForm);

  return {
    section: $("#proposals"),
    render(state, step, { me, contributes }) {
      show($("#proposal-form"), contributes);
      const all = Object.entries(state.proposals);
      const mine = all.filter(([, p]) => p.author_id === me);
      const others = all.filter(([, p]) => p.author_id !== me);
      replaceKeepingFocus(
        $("#my-proposals"),
        mine.map(([id, p]) =>
          proposalItem(p, state, p.awaiting_consent ? consentActions(id) : [
            h("button", { type: "button", "data-focus-key": `edit:${id}`, onclick: () => startEdit(id, p), "aria-label": t("edit_named", { title: p.title }) }, t("edit")),
            h("button", { type: "button", class: "secondary", "data-focus-key": `withdraw:${id}`, onclick: () => withdraw(id), "aria-label": t("withdraw_named", { title: p.title }) }, t("withdraw")),
          ]),
        ),
      );
      show($("#my-proposals-heading"), mine.length > 0);
      $("#other-proposals").replaceChildren(...others.map(([, p]) => proposalItem(p, state)));
      $("#proposal-count").textContent = t("other_proposals", { count: others.length });
    },
    // Leaving the place drops an edit under way (never a new proposal's draft).
    leave() {
      if (editing) resetForm();
    },
  };
}
