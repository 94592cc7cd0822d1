// Choosing the récits: the secret ballot (one choice, several, or a ranking),
// one's own ballot once cast, the results with ties, and the récits chosen
// with each narrator's answer.

import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { errorBeside, pseudonym, recitTitle } from "../common.js";
import { currentStep } from "../store.js";
import { busy, checkedValues, syncChoices } from "./ui.js";

// Multiple votes: once `votes` boxes are ticked, the others wait until one is unticked.
function limitChecks(box, votes) {
  const boxes = [...box.querySelectorAll("input[type=checkbox]")];
  const full = boxes.filter((b) => b.checked).length >= votes;
  for (const b of boxes) b.disabled = full && !b.checked;
}

// Ranking: one labelled select per rank, first = preferred.
function syncRanking(box, proposals, votes) {
  const ranks = Math.min(votes, proposals.length);
  const key = JSON.stringify(["ranking", ranks, proposals]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const previous = [...box.querySelectorAll("select")].map((select) => select.value);
  replaceKeepingFocus(
    box,
    Array.from({ length: ranks }, (unused, rank) => {
      const id = `ballot-rank-${rank}`;
      const select = h("select", { id, "data-focus-key": id }, h("option", { value: "" }, t("no_choice")), proposals.map((p) => h("option", { value: p.value }, p.label)));
      select.value = proposals.some((p) => p.value === previous[rank]) ? previous[rank] : "";
      return h("div", { class: "stack" }, h("label", { for: id, text: t("rank_label", { rank: rank + 1 }) }), select);
    }),
  );
}

function renderBallot(state, mode, votes) {
  const proposals = Object.entries(state.proposals).map(([id, p]) => ({ value: id, label: p.title, detail: p.body }));
  $("#ballot-legend").textContent = t(`ballot_legend_${mode}`, { votes });
  const box = $("#ballot-choices");
  if (mode === "ranking") syncRanking(box, proposals, votes);
  else {
    syncChoices(box, mode === "single" ? "radio" : "checkbox", "ballot", proposals);
    limitChecks(box, votes);
  }
}

function ballotChoices() {
  const box = $("#ballot-choices");
  const selects = [...box.querySelectorAll("select")];
  if (selects.length) return selects.map((select) => select.value).filter(Boolean);
  return checkedValues(box);
}

export function voteScreen(ctx) {
  $("#ballot-choices").addEventListener("change", () => {
    const step = currentStep(ctx.connection.state);
    if (step?.options.mode === "multiple") limitChecks($("#ballot-choices"), step.options.votes);
  });

  $("#ballot-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const choices = ballotChoices();
    const submit = event.submitter ?? $("#ballot-form [type=submit]");
    if (!choices.length) return errorBeside(submit, t("ballot_empty"));
    if (new Set(choices).size !== choices.length) return errorBeside(submit, t("ballot_duplicate"));
    const titles = choices.map((id) => ctx.connection.state.proposals[id]?.title ?? "?");
    if (!window.confirm(t("confirm_ballot", { choices: titles.join(" ; ") }))) return;
    await busy(submit, () => ctx.run("cast_ballot", { choices }));
  });

  return {
    section: $("#vote"),
    render(state, step, { me, contributes }) {
      const { mode, votes } = step.options;
      const { vote } = state;
      const voted = vote.voters.includes(me);
      $("#vote-mode").textContent = t(`vote_mode_${mode}`, { votes });
      $("#vote-count").textContent = tn("voters", vote.voters.length);
      show($("#ballot-form"), contributes && !voted && !vote.is_closed);
      if (contributes && !voted && !vote.is_closed) renderBallot(state, mode, votes);
      show($("#vote-closed"), vote.is_closed);

      show($("#my-ballot"), voted);
      $("#my-ballot-list").classList.toggle("p-unranked", mode !== "ranking");
      $("#my-ballot-list").replaceChildren(...(vote.my_ballot ?? []).map((id) => h("li", { text: state.proposals[id]?.title ?? "?" })));

      show($("#vote-results"), vote.is_closed);
      $("#vote-results-list").replaceChildren(
        ...vote.results.map((r) => {
          const tie = vote.results.filter((other) => other.rank === r.rank).length > 1;
          const score = t(mode === "ranking" ? "points" : "score", { score: r.score });
          return h(
            "li",
            { class: tie ? "card p-tie" : "card" },
            h("span", { class: "p-rank", text: `${r.rank}.` }),
            " ",
            h("strong", { text: state.proposals[r.proposal_id]?.title ?? "?" }),
            h("span", { class: "meta", text: ` · ${score}${tie ? ` · ${t("tie")}` : ""}` }),
          );
        }),
      );

      show($("#recits-chosen"), state.recits.length > 0);
      $("#recits-list").replaceChildren(
        ...state.recits.map((r, index) => {
          const answer = r.accepted === null ? "pending" : r.accepted ? "accepted" : "declined";
          return h(
            "li",
            { class: "card" },
            h("h4", { text: recitTitle(state, index) }),
            h("p", { class: "meta", text: `${t("narrated_by", { pseudonym: pseudonym(state, r.narrator_id) })} · ${t(`narrator_${answer}`)}` }),
          );
        }),
      );
    },
  };
}
