"""The synthesis draft: what the session produced, in the structure of the method.

The draft is Markdown with one ``##`` section per part of the method, so that
participants can comment on each. It is built from the exportable
:class:`~mag.report.material.Material` alone (already pseudonymised), and every
text somebody typed goes through :func:`~mag.report.markdown.escape`: whatever
a participant wrote reads as they typed it, never as markup.

A part of the method that produced nothing still has its section, with one
line saying so: a reader must see that the step took place and left no trace.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from mag import dates
from mag.domain.protocol import Step, StepKind, VoteMode
from mag.domain.state import BoardKind, Contribution, ContributionKind, Level, Withdrawal
from mag.report import method
from mag.report.markdown import escape
from mag.report.material import Material

Place = tuple[int, int | None]


# ---------------------------------------------------------------- small helpers shared with the report


def time_of(material: Material, at: datetime) -> str:
    """``HH:MM`` in the organisation's time zone."""
    return dates.clock(material.local(at))


def date_of(material: Material, at: datetime) -> str:
    return dates.day(material.local(at))


def moment(material: Material, at: datetime) -> str:
    """A date and a time of day, as documents show them."""
    return _("%(date)s à %(time)s", date=date_of(material, at), time=time_of(material, at))


def cell(text: str) -> str:
    """Someone's words in a Markdown table cell: escaped, on one line."""
    return escape(text).replace("  \n", " ") or " "


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; the cells are already Markdown (use :func:`cell` for people's words)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def item(text: str) -> str:
    """A list item whose text may span several lines (already Markdown)."""
    return "- " + text.replace("\n", "\n    ")


def who(material: Material, participant_id: str | None, entered_by: str | None = None) -> str:
    """How the documents name a speaker, escaped."""
    return escape(material.speaker(participant_id, entered_by))


def steps_where(material: Material, wanted: Callable[[Step], bool]) -> list[int]:
    return [i for i, step in enumerate(material.protocol.steps) if wanted(step)]


def places_of(material: Material, indexes: Sequence[int]) -> list[Place]:
    """The places (step, récit) of these steps in the order the session goes through them."""
    block = material.protocol.recit_block
    recits: list[int | None] = list(range(len(material.state.recits))) or [None]
    before = [(i, None) for i in indexes if i not in block and (not block or i < block.start)]
    inside = [(i, r) for r in recits for i in indexes if i in block]
    after = [(i, None) for i in indexes if block and i >= block.stop]
    return [*before, *inside, *after]


def by_place(material: Material) -> dict[Place, list[Contribution]]:
    found: dict[Place, list[Contribution]] = defaultdict(list)
    for contribution in material.contributions():
        found[(contribution.step_index, contribution.recit)].append(contribution)
    return found


def visited(material: Material, place: Place) -> bool:
    return any((v.step_index, v.recit) == place for v in material.state.visits)


def _blocks(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


# ---------------------------------------------------------------- the draft


def draft(material: Material) -> str:
    """The synthesis draft in Markdown: a ``#`` title, then one ``##`` section per part."""
    state = material.state
    title = escape(state.title) or _("Synthèse")
    sections = [
        (_("Contexte et question"), _context(material)),
        (_("Participants"), _participants(material)),
        (_("Récits"), _recits(material)),
        (_("Questions d'information"), _questions(material)),
        (_("Interprétations"), _interpretations(material)),
        (_("Convergences, divergences et nœuds"), _board(material)),
        (_("Apports théoriques"), _linked_section(material, StepKind.THEORY)),
        (_("Hypothèses"), _linked_section(material, StepKind.HYPOTHESES)),
        (_("Perspectives pratiques"), _perspectives(material)),
        (_("Évaluation"), _evaluation(material)),
        (_("Note de méthode"), _method(material)),
    ]
    parts = [f"# {title}"]
    for heading, body in sections:
        parts.append(f"## {heading}")
        parts.append(body)
    return "\n\n".join(parts) + "\n"


def _context(material: Material) -> str:
    state = material.state
    question = escape(state.question)
    lines = []
    if question:
        lines.append(_("**Question de départ :** %(question)s", question=question))
    else:
        lines.append(_("Aucune question de départ n'a été formulée."))
    start = method.started_at(material)
    if start is not None:
        lines.append(
            _(
                "Séance « %(title)s », commencée le %(date)s, selon le protocole « %(protocol)s ».",
                title=escape(state.title),
                date=date_of(material, start),
                protocol=escape(material.protocol.title),
            )
        )
    return "\n\n".join(lines)


def _people(material: Material) -> list[str]:
    """Participants who took part (accepted the convention) and did not withdraw."""
    return [
        p.id
        for p in material.state.participants.values()
        if p.withdrawn_at is None and p.has_accepted
    ]


def _withdrawn_count(material: Material) -> int:
    return sum(1 for p in material.state.participants.values() if p.withdrawn_at is not None)


def _participants(material: Material) -> str:
    state = material.state
    people = _people(material)
    narrated = defaultdict(list)
    for index, recit in enumerate(state.recits):
        if recit.accepted is not False:
            narrated[recit.narrator_id].append(index + 1)
    lines = []
    for pid in people:
        label = who(material, pid)
        if narrated.get(pid):
            numbers = ", ".join(str(n) for n in narrated[pid])
            label += " " + _("(narration du récit %(numbers)s)", numbers=numbers)
        lines.append(item(label))
    if not lines:
        lines.append(_("Aucun·e participant·e n'a rejoint la séance."))
    withdrawn = _withdrawn_count(material)
    tail = None
    if withdrawn:
        if material.state.settings.withdrawal is Withdrawal.REMOVE:
            tail = ngettext(
                "%(num)s participant·e a retiré son consentement : ses propos ont été retirés.",
                "%(num)s participant·es ont retiré leur consentement : leurs propos ont été retirés.",
                withdrawn,
            )
        else:
            tail = ngettext(
                "%(num)s participant·e a retiré son consentement : ses propos sont remplacés par « %(marker)s ».",
                "%(num)s participant·es ont retiré leur consentement : leurs propos sont remplacés par « %(marker)s ».",
                withdrawn,
                marker=material.marker,
            )
    return _blocks("\n".join(lines), tail)


def _nothing(material: Material, place: Place) -> str:
    if visited(material, place):
        return _("*Aucune contribution.*")
    return _("*Étape non réalisée.*")


def _not_in_protocol() -> str:
    return _("*Cette étape ne figure pas dans le protocole de la séance.*")


def _said(material: Material, contribution: Contribution, notes: Sequence[str] = ()) -> str:
    """A contribution as a list item: who said it, their words, then ``notes`` (Markdown)."""
    speaker = who(material, contribution.author_id, contribution.entered_by)
    text = escape(contribution.body) or material.marker
    if contribution.title:
        text = f"**{escape(contribution.title)}** — {text}"
    extra = []
    if contribution.replies_to:
        shown = {c.id: c for c in material.contributions()}
        answered = [
            who(material, shown[r].author_id, shown[r].entered_by)
            for r in contribution.replies_to
            if r in shown
        ]
        if answered:
            extra.append(_("en réponse à %(who)s", who=", ".join(answered)))
    if contribution.deferred_from is not None:
        extra.append(_("question reportée au tour de table"))
    suffix = f" *({'; '.join(extra)})*" if extra else ""
    return item("  \n".join([f"**{speaker}** : {text}{suffix}", *notes]))


def _by_step_and_recit(
    material: Material,
    indexes: Sequence[int],
    render: Callable[[Place, list[Contribution]], list[str]],
) -> str:
    """A section's body: per récit (``###``), per step (``####``) when there are several."""
    if not indexes:
        return _not_in_protocol()
    found = by_place(material)
    places = places_of(material, indexes)
    several_steps = len(indexes) > 1
    parts: list[str] = []
    current_recit: object = object()
    for place in places:
        index, recit = place
        if recit is not None and recit != current_recit:
            parts.append(f"### {escape(material.recit_title(recit))}")
            current_recit = recit
        if several_steps or (recit is None and len(places) > 1):
            level = "####" if recit is not None else "###"
            heading = escape(material.step_label(index))
            rank = material.round_numbers.get(index)
            if rank is not None:
                heading += " " + _("(tour %(number)s)", number=rank)
            parts.append(f"{level} {heading}")
        lines = render(place, found.get(place, []))
        parts.append("\n".join(lines) if lines else _nothing(material, place))
    return "\n\n".join(parts)


def _plain(material: Material) -> Callable[[Place, list[Contribution]], list[str]]:
    def render(place: Place, contributions: list[Contribution]) -> list[str]:
        return [_said(material, c) for c in contributions]

    return render


# ---------------------------------------------------------------- récits


def _recits(material: Material) -> str:
    state = material.state
    parts = []
    proposals = material.proposals()
    scores = {str(r.get("proposal_id")): r.get("score") for r in state.vote_results}
    parts.append("### " + _("Récits proposés"))
    if proposals:
        lines = []
        for proposal in proposals:
            line = f"**{escape(proposal.title)}** — {who(material, proposal.author_id)}"
            score = scores.get(proposal.id)
            if score is not None:
                line += " " + _score(material, int(score))  # type: ignore[arg-type]
            lines.append(item(line))
        parts.append("\n".join(lines))
    else:
        parts.append(_("*Aucun récit n'a été proposé.*"))
    narration = steps_where(material, lambda s: s.kind in (StepKind.NARRATION, StepKind.STAKES))
    if not state.recits:
        parts.append(_("*Aucun récit n'a été choisi.*"))
        if narration:
            parts.append(_by_step_and_recit(material, narration, _plain(material)))
        return "\n\n".join(parts)
    found = by_place(material)
    for index, recit in enumerate(state.recits):
        parts.append(f"### {escape(material.recit_title(index))}")
        narrator = who(material, recit.narrator_id)
        if recit.accepted is False:
            parts.append(_("%(who)s n'a pas souhaité raconter ce récit.", who=narrator))
        else:
            parts.append(_("**Narration :** %(who)s", who=narrator))
        proposal = state.proposals.get(recit.proposal_id)
        if proposal is not None and proposal.body and material.shows(proposal.author_id):
            parts.append(_("**Proposition :** %(text)s", text=escape(proposal.body)))
        if not narration:
            parts.append(_not_in_protocol())
        for step_index in narration:
            parts.append(f"#### {escape(material.step_label(step_index))}")
            place = (step_index, index)
            lines = [_said(material, c) for c in found.get(place, [])]
            parts.append("\n".join(lines) if lines else _nothing(material, place))
    return "\n\n".join(parts)


def _score(material: Material, score: int) -> str:
    vote = next((s for s in material.protocol.steps if s.kind is StepKind.VOTE), None)
    if vote is not None and vote.options.get("mode") == VoteMode.RANKING:
        return ngettext("(%(num)s point)", "(%(num)s points)", score)
    return ngettext("(%(num)s voix)", "(%(num)s voix)", score)


# ---------------------------------------------------------------- questions and interpretations


def _questions(material: Material) -> str:
    """Each question with the narrator's answer beneath it."""
    indexes = steps_where(material, lambda s: s.kind is StepKind.QUESTIONS)

    def render(place: Place, contributions: list[Contribution]) -> list[str]:
        answers = {
            c.replies_to[0]: c
            for c in contributions
            if c.kind is ContributionKind.ANSWER and c.replies_to
        }
        return [
            _said(material, c, [_answer(material, answers[c.id])] if c.id in answers else [])
            for c in contributions
            if c.kind is not ContributionKind.ANSWER
        ]

    return _by_step_and_recit(material, indexes, render)


def _answer(material: Material, answer: Contribution) -> str:
    return _(
        "**Réponse de %(who)s** : %(text)s",
        who=who(material, answer.author_id, answer.entered_by),
        text=escape(answer.body),
    )


def _is_interpretation_step(step: Step) -> bool:
    if step.kind is StepKind.ROUND:
        return step.per_recit
    return step.kind is StepKind.REACTIONS or (step.kind is StepKind.DISCUSSION and step.per_recit)


def _interpretations(material: Material) -> str:
    indexes = steps_where(material, _is_interpretation_step)
    plain = _plain(material)

    def render(place: Place, contributions: list[Contribution]) -> list[str]:
        lines = plain(place, contributions)
        round_ = material.state.rounds.get(place)
        if round_ is None:
            return lines
        wrote = {c.author_id for c in contributions}
        aloud = [
            who(material, pid)
            for pid, outcome in round_.outcomes.items()
            if outcome == "spoke" and pid not in wrote and material.shows(pid)
        ]
        passed = [
            who(material, pid)
            for pid, outcome in round_.outcomes.items()
            if outcome == "passed" and material.shows(pid)
        ]
        if aloud:
            lines.append(
                item(_("*Intervention orale sans trace écrite :* %(who)s", who=", ".join(aloud)))
            )
        if passed:
            lines.append(item(_("*A passé son tour :* %(who)s", who=", ".join(passed))))
        return lines

    return _by_step_and_recit(material, indexes, render)


# ---------------------------------------------------------------- the analysis board


_BOARD_HEADINGS = {
    BoardKind.CONVERGENCE: lambda: _("Convergences"),
    BoardKind.DIVERGENCE: lambda: _("Divergences"),
    BoardKind.NOEUD: lambda: _("Nœuds"),
}


def board_kind_label(kind: str) -> str:
    labels = {
        BoardKind.CONVERGENCE: _("convergence"),
        BoardKind.DIVERGENCE: _("divergence"),
        BoardKind.NOEUD: _("nœud"),
    }
    return labels.get(kind, kind)  # type: ignore[call-overload]


EXCERPT_WORDS = 6


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    """The first ``words`` words of ``text``, ending in « … » when cut."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _cited(material: Material, contribution: Contribution) -> str:
    """A linked interpretation by reference: who said it, where, its first words.

    Its whole text is in « Interprétations »: the board does not say it twice.
    """
    where = escape(material.step_label(contribution.step_index))
    rank = material.round_numbers.get(contribution.step_index)
    if rank is not None:
        where = _("tour %(number)s", number=rank)
    speaker = who(material, contribution.author_id, contribution.entered_by)
    words = escape(excerpt(contribution.body)) or material.marker
    return item(f"{speaker}, {where} : « {words} »")


def _board(material: Material) -> str:
    state = material.state
    analysis = steps_where(material, lambda s: s.kind is StepKind.ANALYSIS)
    if not state.board:
        if not analysis:
            return _not_in_protocol()
        if not any(visited(material, place) for place in places_of(material, analysis)):
            return _("*Étape non réalisée.*")
    shown = {c.id: c for c in material.contributions()}
    several = len(state.recits) > 1
    parts = []
    items = sorted(state.board.values(), key=lambda i: (i.recit is None, i.recit or 0, i.position))
    for kind in BoardKind:
        parts.append(f"### {_BOARD_HEADINGS[kind]()}")
        of_kind = [i for i in items if i.kind is kind]
        if not of_kind:
            parts.append(_("*Aucun élément.*"))
        for board_item in of_kind:
            untitled = _("(sans titre)")
            parts.append(f"#### {escape(board_item.title) or untitled}")
            if several and board_item.recit is not None:
                parts.append(f"*{escape(material.recit_title(board_item.recit))}*")
            if board_item.formulation:
                parts.append(escape(board_item.formulation))
            cited = [_cited(material, shown[cid]) for cid in board_item.links if cid in shown]
            related = [
                c
                for c in shown.values()
                if board_item.id in c.links
                and c.kind in (ContributionKind.THEORY, ContributionKind.HYPOTHESIS)
            ]
            if cited:
                parts.append(_("*Interprétations reliées :*") + "\n\n" + "\n".join(cited))
            elif not related:
                parts.append(_("*Aucune interprétation reliée.*"))
            if related:
                names = " ; ".join(_link_name(material, c) for c in related)
                parts.append(_("*Voir aussi :* %(names)s", names=names))
    return "\n\n".join(parts)


def _link_name(material: Material, contribution: Contribution) -> str:
    """What a linked theory or hypothesis is, and whose: « apport théorique « Non-recours » »."""
    speaker = who(material, contribution.author_id, contribution.entered_by)
    if contribution.kind is ContributionKind.THEORY:
        name = escape(contribution.title or excerpt(contribution.body))
        return _("apport théorique « %(name)s » (%(who)s)", name=name, who=speaker)
    name = escape(excerpt(contribution.body))
    return _("hypothèse « %(name)s » (%(who)s)", name=name, who=speaker)


# ---------------------------------------------------------------- theory and hypotheses


def _linked_section(material: Material, kind: StepKind) -> str:
    indexes = steps_where(material, lambda s: s.kind is kind)
    board = material.state.board

    def render(place: Place, contributions: list[Contribution]) -> list[str]:
        lines = []
        for contribution in contributions:
            notes = []
            if contribution.reference:
                reference = cell(contribution.reference)
                notes.append(_("*Référence :* %(reference)s", reference=reference))
            linked = [board[i] for i in contribution.links if i in board]
            if linked:
                names = ", ".join(f"{escape(b.title)} ({board_kind_label(b.kind)})" for b in linked)
                notes.append(_("*En lien avec :* %(items)s", items=names))
            lines.append(_said(material, contribution, notes))
        return lines

    return _by_step_and_recit(material, indexes, render)


# ---------------------------------------------------------------- perspectives


def level_label(level: str) -> str:
    labels = {
        Level.PRATIQUE: _("Pratique professionnelle"),
        Level.INSTITUTION: _("Institution"),
        Level.POLITIQUE: _("Politique et secteur"),
    }
    return labels.get(level, _("Sans niveau"))  # type: ignore[call-overload]


def _perspectives(material: Material) -> str:
    indexes = steps_where(material, lambda s: s.kind is StepKind.PERSPECTIVES)
    if not indexes:
        return _not_in_protocol()
    found = [c for c in material.contributions() if c.step_index in indexes]
    if not found and not any(visited(material, (i, None)) for i in indexes):
        return _("*Étape non réalisée.*")
    proposals = [c for c in found if c.kind is ContributionKind.PERSPECTIVE]
    notes = [c for c in found if c.kind is not ContributionKind.PERSPECTIVE]
    parts = []
    levels = [level.value for level in Level]
    extra = sorted({c.level for c in proposals if c.level not in levels})
    for level in [*levels, *extra]:
        here = [c for c in proposals if c.level == level]
        if not here and level not in levels:
            continue
        parts.append(f"### {level_label(level)}")
        here.sort(key=lambda c: -len(c.supporters))  # stable: equal support keeps time order
        lines = []
        for contribution in here:
            count = len(contribution.supporters)
            supports = (
                ngettext("%(num)s soutien", "%(num)s soutiens", count)
                if count
                else _("aucun soutien")
            )
            lines.append(f"{_said(material, contribution)} *({supports})*")
        parts.append("\n".join(lines) if lines else _("*Aucune proposition.*"))
    if notes:
        parts.append("### " + _("Notes"))
        parts.append("\n".join(_said(material, c) for c in notes))
    return "\n\n".join(parts)


# ---------------------------------------------------------------- evaluation


def _number(value: float) -> str:
    return format_decimal(value, format="0.0")


def evaluation_lead(material: Material) -> str:
    """The evaluation's first line (Markdown): how many answered, or why there is no summary."""
    summary = material.state.evaluation_summary
    if summary is None:
        indexes = steps_where(material, lambda s: s.kind is StepKind.EVALUATION)
        if not indexes:
            return _not_in_protocol()
        if any(visited(material, (i, None)) for i in indexes):
            return _("*Les réponses à l'évaluation n'ont pas été présentées.*")
        return _("*Étape non réalisée.*")
    respondents = int(summary.get("respondents", 0))  # type: ignore[call-overload]
    return ngettext(
        "%(num)s personne a répondu à l'évaluation.",
        "%(num)s personnes ont répondu à l'évaluation.",
        respondents,
    )


def _evaluation(material: Material) -> str:
    summary = material.state.evaluation_summary
    parts = [evaluation_lead(material)]
    if summary is None:
        return parts[0]
    for question in summary.get("questions", []):  # type: ignore[attr-defined]
        parts.append(f"### {escape(str(question.get('text', '')))}")
        count = int(question.get("count", 0))
        if question.get("kind") == "scale":
            if not count:
                parts.append(_("*Aucune réponse.*"))
                continue
            mean = question.get("mean")
            parts.append(
                ngettext(
                    "Moyenne : %(mean)s (échelle de %(min)s à %(max)s), %(num)s réponse.",
                    "Moyenne : %(mean)s (échelle de %(min)s à %(max)s), %(num)s réponses.",
                    count,
                    mean=_number(float(mean)) if mean is not None else "—",
                    min=question.get("min"),
                    max=question.get("max"),
                )
            )
            distribution = dict(question.get("distribution", {}))
            parts.append(
                table(
                    [_("Note"), _("Réponses")],
                    [[str(k), str(v)] for k, v in distribution.items()],
                )
            )
        else:
            answers = [str(a) for a in question.get("answers", [])]
            if answers:
                parts.append("\n".join(item(escape(a)) for a in answers))
            else:
                parts.append(_("*Aucune réponse.*"))
    return "\n\n".join(parts)


# ---------------------------------------------------------------- method note


def _planned_date(text: str) -> str:
    try:
        return dates.day(date.fromisoformat(text))
    except ValueError:
        return escape(text)


def _method(material: Material) -> str:
    known = method.facts(material)
    facts = [
        _(
            "**Protocole :** %(title)s (%(name)s)",
            title=escape(known.protocol_title),
            name=escape(known.protocol_name),
        )
    ]
    if known.planned_dates:
        planned = ", ".join(_planned_date(d) for d in known.planned_dates)
        facts.append(_("**Dates prévues :** %(dates)s", dates=planned))
    start, end = known.started_at, known.ended_at
    facts.append(
        _("**Début :** %(when)s", when=moment(material, start))
        if start
        else _("**Début :** la séance n'a pas commencé")
    )
    if start:
        facts.append(
            _("**Fin :** %(when)s", when=moment(material, end))
            if end
            else _("**Fin :** la séance n'est pas terminée")
        )
    facts.append(_("**Participants :** %(count)s", count=method.participants_text(known)))
    facts.append(
        _(
            "Les heures sont celles du fuseau horaire de l'organisation (%(zone)s).",
            zone=escape(known.timezone),
        )
    )
    steps = material.protocol.steps
    rows = [
        [
            escape(steps[s.index].number),
            escape(steps[s.index].title),
            str(s.recit + 1) if s.recit is not None else "",
            str(s.planned),
            str(round(s.spent)) if s.spent is not None else "—",
        ]
        for s in known.steps
    ]
    rows.append(["", _("**Total**"), "", str(known.planned_total), str(round(known.spent_total))])
    steps = table(
        [_("N°"), _("Étape"), _("Récit"), _("Prévu (min)"), _("Réel (min)")],
        rows,
    )
    return _blocks("\n".join(item(f) for f in facts), steps)
