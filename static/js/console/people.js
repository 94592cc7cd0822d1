// The people in the room: who is there, who has contributed in this step,
// who narrates, the seating order for the rounds, the people without a
// device the team registers, and the "Saisir pour" choice every form uses.

import { $, h, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { LIMITS } from "../method.js";
import { contributionsHere } from "../store.js";
import { button, entryForm, renderList, setOptions } from "./ui.js";

// How much each person has contributed at the current place (step and récit).
function contributed(state, step) {
  const counts = {};
  const add = (id) => {
    if (id) counts[id] = (counts[id] ?? 0) + 1;
  };
  const { step_index: index } = state.session;
  if (step.kind === "proposals") {
    Object.values(state.proposals).forEach((p) => p.step_index === index && add(p.author_id));
  } else if (step.kind === "vote") state.vote.voters.forEach(add);
  else if (step.kind === "evaluation") state.evaluation.evaluated.forEach(add);
  else contributionsHere(state).forEach((c) => c.kind !== "note" && add(c.author_id));
  return counts;
}

// What the "À cette étape" cell says: a count, or whether they voted / answered.
function hereText(step, count) {
  if (!step || step.kind === "agreement") return "—";
  if (step.kind === "vote") return count ? t("console_has_voted") : "—";
  if (step.kind === "evaluation") return count ? t("console_has_answered") : "—";
  return String(count ?? 0);
}

// Everyone, in seating order (those not placed yet at the end).
function seatingOrder(state) {
  const ids = Object.keys(state.participants);
  const seated = state.seating.filter((id) => ids.includes(id));
  return [...seated, ...ids.filter((id) => !seated.includes(id))];
}

export function peoplePanel(ctx) {
  const addForm = entryForm({
    title: t("console_add_person"),
    fields: [
      { name: "pseudonym", label: t("console_pseudonym"), type: "text", max: LIMITS.pseudonym },
      { name: "function", label: t("console_function"), type: "text", max: LIMITS.function, required: false },
    ],
    submit: t("console_add_person_submit"),
    send: (values) => ctx.run("add_participant", values),
  });
  $("#add-person").append(addForm.el);

  function move(order, index, offset) {
    const next = [...order];
    [next[index], next[index + offset]] = [next[index + offset], next[index]];
    ctx.run("set_seating", { order: next });
  }

  function actions({ key: id, p, order, seat, version }) {
    const name = { pseudonym: p.pseudonym };
    const seatButton = (label, offset, key) =>
      button(label, () => move(order, seat, offset), { name: t(key, name), secondary: true, focusKey: `${key}:${id}` });
    const acceptForThem = () => ctx.run("accept_convention", { version, on_behalf_of: id });
    return [
      order && seat > 0 ? seatButton("↑", -1, "console_seat_up") : null,
      order && seat < order.length - 1 ? seatButton("↓", 1, "console_seat_down") : null,
      p.entered_by && !p.has_accepted
        ? button(t("console_accept_for_short"), acceptForThem, {
            name: t("console_accept_for", name),
            secondary: true,
            focusKey: `accept:${id}`,
          })
        : null,
    ];
  }

  function row(item) {
    const { p, online, narrator } = item;
    const presence = p.entered_by ? t("console_no_device") : online ? t("connected") : t("not_connected");
    return h(
      "tr",
      { class: narrator ? "console-narrator" : null },
      h("th", { scope: "row", text: p.pseudonym }),
      h("td", { text: p.function || "—" }),
      h("td", { class: online ? "yes" : "no", text: presence }),
      h("td", { class: p.has_accepted ? "yes" : "no", text: p.has_accepted ? t("accepted") : t("not_accepted") }),
      h("td", {}, item.here, narrator && h("span", { class: "badge console-badge", text: t("console_narrator") })),
      h("td", {}, h("div", { class: "actions console-row-actions" }, actions(item))),
    );
  }

  return {
    render(state, presence, step) {
      const { participants } = state;
      const ids = Object.keys(participants);
      $("#lobby-count").textContent = [
        tn("lobby_participants", ids.length),
        tn("lobby_connected", ids.filter((id) => presence.includes(id)).length),
        tn("lobby_accepted", ids.filter((id) => participants[id].has_accepted).length),
      ].join(" · ");
      show($("#lobby-empty"), ids.length === 0);
      show($("#lobby-table"), ids.length > 0);

      // The animateur arranges the seating order when the round follows it.
      const seating = ctx.steering() && step?.kind === "round" && step.options.order === "seating";
      show($("#seating-hint"), seating);
      const order = seating ? seatingOrder(state) : ids;
      const counts = step ? contributed(state, step) : {};
      const narrator = state.recits[state.session.recit_index ?? -1]?.narrator_id;
      const toAccept = ids.some((id) => participants[id].entered_by && !participants[id].has_accepted);
      // Columns with nothing to show are left out: "À cette étape" before the start, "Actions" if none.
      $("#lobby-table").classList.toggle("console-no-step", !step);
      $("#lobby-table").classList.toggle("console-no-actions", !seating && !toAccept);
      renderList(
        $("#lobby-list"),
        order.map((id, seat) => ({
          key: id,
          p: participants[id],
          online: presence.includes(id),
          here: hereText(step, counts[id]),
          narrator: id === narrator,
          order: seating ? order : null,
          seat,
          version: state.session.convention.version,
        })),
        row,
      );

      const label = (p) => (p.entered_by ? t("console_behalf_no_device", { pseudonym: p.pseudonym }) : p.pseudonym);
      const people = ids.map((id) => ({ value: id, label: label(participants[id]) }));
      people.sort((a, b) => a.label.localeCompare(b.label));
      setOptions($("#on-behalf"), [{ value: "", label: t("console_behalf_team") }, ...people]);
    },
  };
}
