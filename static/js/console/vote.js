// Choosing the récits: the secret vote (who voted, never for what), ballots
// typed for a participant, the results with ties shown, the choice of récits
// and narrators, and each narrator's answer.

import { h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { recitTitle } from "../common.js";
import { button, card, entryForm, onBehalf, pseudonym, renderList } from "./ui.js";

// Single vote: radio buttons; several votes: checkboxes; a ranking: one select per rank.
function ballotFields({ mode, votes }) {
  if (mode === "single") return [{ name: "choices", type: "radios", label: t("console_ballot_one") }];
  if (mode === "multiple") return [{ name: "choices", type: "checks", label: tn("console_ballot_several", votes) }];
  return Array.from({ length: votes }, (_, i) => ({
    name: `rank${i + 1}`,
    type: "select",
    label: t("console_ballot_rank", { rank: i + 1 }),
    required: i === 0,
  }));
}

// The ballot's choices, best first.
function ballotChoices(fields, values) {
  return fields.flatMap((field) => [].concat(values[field.name])).filter(Boolean);
}

function resultItem(r) {
  return h(
    "li",
    { class: "card" },
    h("strong", { text: `${r.rank}. ${r.title}` }),
    ` · ${t("score", { score: r.score })} `,
    r.tie ? h("span", { class: "badge console-tie", text: t("tie") }) : null,
  );
}

// One row per proposal: analyse it or not, and who narrates (the proposer unless changed).
function chooseRow({ key, title, author, people }) {
  const id = `narrator-${key}`;
  return h(
    "li",
    { class: "card" },
    h("label", { class: "choice" }, h("input", { type: "checkbox", value: key }), title),
    h("label", { for: id, text: t("console_narrator_for", { title }) }),
    h("select", { id }, people.map(([pid, name]) => h("option", { value: pid, selected: pid === author, text: name }))),
  );
}

export function votePanel(ctx, step) {
  const count = h("p", { class: "lead" });
  const names = h("p", { class: "meta" });
  const close = button(t("console_close_vote"), () => ctx.run("close_vote"));
  const reopen = button(t("console_reopen_vote"), () => ctx.run("reopen_vote"), { secondary: true });
  const ballotFor = h("p", { class: "console-for" });
  const fields = ballotFields(step.options);
  const ballot = entryForm({
    title: t("console_ballot"),
    fields,
    submit: t("console_cast_ballot"),
    send: (values) => ctx.run("cast_ballot", { choices: ballotChoices(fields, values), ...onBehalf(ctx.behalf()) }),
  });
  const results = h("ol", { class: "cards", "aria-label": t("console_results") });
  const resultsCard = card(t("console_results"), results);

  const rows = h("ul", { class: "cards" });
  const choose = h("button", { type: "submit" });
  const chooseForm = h(
    "form",
    { class: "stack", "aria-label": t("console_choose_recits") },
    h("p", { class: "meta", text: t("console_choose_hint") }),
    rows,
    h("div", { class: "actions" }, choose),
  );
  chooseForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = [...rows.children]
      .filter((row) => row.querySelector("input[type=checkbox]").checked)
      .map((row) => ({ proposal_id: row.dataset.key, narrator_id: row.querySelector("select").value }));
    choose.disabled = true;
    await ctx.run("choose_recits", { recits: chosen });
    choose.disabled = false;
  });
  const chooseCard = card(t("console_choose_recits"), chooseForm);
  const recits = h("ul", { class: "cards", "aria-label": t("console_chosen_recits") });
  const recitsCard = card(t("console_chosen_recits"), recits);

  // A chosen récit and its narrator's answer, which the team can record for them.
  function recitItem(state, { key, index, narrator, accepted }) {
    const name = { pseudonym: pseudonym(state, narrator) };
    const answer = accepted === true ? "accepted" : accepted === false ? "declined" : "waiting";
    const record = (command, label, nameKey, secondary) =>
      button(t(label), () => ctx.run(command, { recit: index, on_behalf_of: narrator }), {
        name: t(nameKey, name),
        secondary,
        focusKey: `${command}:${key}`,
      });
    return h(
      "li",
      { class: `card console-answer-${answer}` },
      h("h3", { text: recitTitle(state, index) }),
      h("p", { text: `${t("narrated_by", name)} · ${t(`console_narrator_${answer}`)}` }),
      h(
        "div",
        { class: "actions" },
        accepted !== true && record("accept_narration", "console_accepts", "console_accept_narration_for", false),
        accepted === null && record("decline_narration", "console_declines", "console_decline_narration_for", true),
      ),
    );
  }

  function renderBallot(state, proposals) {
    const { vote } = state;
    const choices = proposals.map(([id, p]) => ({ value: id, label: p.title }));
    for (const field of fields) {
      const none = field.type === "select" ? [{ value: "", label: t("console_no_choice") }] : [];
      ballot.setChoices(field.name, [...none, ...choices]);
    }
    const voter = ctx.behalf();
    const canVote = Boolean(voter) && !vote.is_closed && !vote.voters.includes(voter);
    show(ballot.el, canVote);
    let line = "";
    if (!vote.is_closed && !voter) line = t("console_ballot_choose_person");
    else if (!vote.is_closed) {
      line = t(canVote ? "console_ballot_for" : "console_already_voted", { pseudonym: pseudonym(state, voter) });
    }
    ballotFor.textContent = line;
    show(ballotFor, Boolean(line));
  }

  function renderResults(state) {
    const ranks = state.vote.results.map((r) => r.rank);
    renderList(
      results,
      state.vote.results.map((r) => ({
        key: r.proposal_id,
        title: state.proposals[r.proposal_id]?.title ?? "",
        score: r.score,
        rank: r.rank,
        tie: ranks.filter((rank) => rank === r.rank).length > 1,
      })),
      resultItem,
    );
  }

  return {
    el: h(
      "div",
      {},
      card(t("console_vote"), count, names, h("div", { class: "actions" }, close, reopen), ballotFor, ballot.el),
      resultsCard,
      chooseCard,
      recitsCard,
    ),
    render(state) {
      const { vote } = state;
      const steering = ctx.steering();
      const proposals = Object.entries(state.proposals);
      count.textContent = tn("voters", vote.voters.length);
      const voters = vote.voters.map((id) => pseudonym(state, id)).join(", ");
      names.textContent = voters ? t("console_who_voted", { names: voters }) : "";
      show(close, steering && !vote.is_closed);
      show(reopen, steering && vote.is_closed && state.recits.length === 0);
      renderBallot(state, proposals);

      show(resultsCard, vote.is_closed);
      renderResults(state);

      show(chooseCard, steering && vote.is_closed && state.session.recit_index === null);
      choose.textContent = t(state.recits.length ? "console_change_recits" : "console_choose_submit");
      const people = Object.entries(state.participants).map(([id, p]) => [id, p.pseudonym]);
      const ordered = vote.results.map((r) => r.proposal_id).filter((id) => state.proposals[id]);
      renderList(
        rows,
        ordered.map((id) => {
          const { title, author_id: author } = state.proposals[id];
          return { key: id, title, author, people };
        }),
        chooseRow,
      );

      show(recitsCard, state.recits.length > 0);
      renderList(
        recits,
        state.recits.map((r, index) => ({
          key: `${index}:${r.proposal_id}`,
          index,
          narrator: r.narrator_id,
          accepted: r.accepted,
          title: state.proposals[r.proposal_id]?.title,
        })),
        (item) => recitItem(state, item),
      );
    },
  };
}
