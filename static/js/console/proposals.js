// Proposals of récits: the list, and a proposal typed for the person who
// tells their situation aloud (corrected or withdrawn for them too).

import { newId } from "../connection.js";
import { $, h } from "../dom.js";
import { t, tn } from "../i18n.js";
import { LIMITS } from "../method.js";
import { proposalItem } from "../common.js";
import { button, card, entryForm, onBehalf, pseudonym, renderList } from "./ui.js";

export function proposalsPanel(ctx) {
  const form = entryForm({
    title: t("console_proposal_form"),
    fields: [
      { name: "title", label: t("console_proposal_title"), type: "text", max: LIMITS.proposal_title },
      { name: "body", label: t("console_proposal_body"), rows: 4, max: LIMITS.proposal_body },
    ],
    submit: t("console_submit_proposal"),
    send: (values, editing) => {
      if (!editing) return ctx.run("submit_proposal", { proposal_id: newId(), ...values, ...onBehalf(ctx.behalf()) });
      const author = ctx.connection.state.proposals[editing]?.author_id;
      return ctx.run("edit_proposal", { proposal_id: editing, ...values, on_behalf_of: author });
    },
  });

  function withdraw(id, p) {
    if (window.confirm(t("confirm_withdraw"))) {
      ctx.run("withdraw_proposal", { proposal_id: id, on_behalf_of: p.author_id });
    }
  }

  function actions(id, p) {
    return [
      button(t("edit"), () => form.load(id, { title: p.title, body: p.body }), {
        name: t("edit_named", { title: p.title }),
        secondary: true,
        focusKey: `edit:${id}`,
      }),
      button(t("withdraw"), () => withdraw(id, p), {
        name: t("withdraw_named", { title: p.title }),
        secondary: true,
        focusKey: `withdraw:${id}`,
      }),
    ];
  }

  return {
    el: card(t("console_proposal_form"), h("p", { class: "meta", text: t("console_proposal_hint") }), form.el),
    render(state) {
      const proposals = Object.entries(state.proposals);
      $("#proposals-heading").textContent = tn("proposal_count", proposals.length);
      renderList(
        $("#proposal-list"),
        proposals.map(([id, p]) => ({ key: id, p, author: pseudonym(state, p.author_id) })),
        ({ key, p }) => proposalItem(p, state, actions(key, p)),
      );
    },
  };
}
