"""The full report: the synthesis, its validation, then the annexes.

``report(material)`` is the Markdown every document export (Markdown, HTML,
PDF, DOCX) is made from:

1. the synthesis: the latest saved version, else the generated draft;
2. ``## Validation``: which version is exported, which one went to the
   participants, who approved which version and when, who has not yet;
3. ``## Annexe : consentements``: who accepted which version of the
   convention de travail and when; the withdrawals, with their date;
4. ``## Annexe : transcription``: every contribution and proposal in time
   order, grouped by step and récit, each with an anchor ``c-<id>`` that a
   search hit links to.

``transcript_rows(material)`` gives the same transcript as plain records (the
CSV export and the archive's search index read it).
"""

import re
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache, wraps

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from mag.domain.i18n import N_
from mag.domain.protocol import StepKind
from mag.domain.state import BoardItem, BoardKind, Contribution, ContributionKind, Proposal
from mag.domain.steps.contributions import KIND_OF_STEP
from mag.report.markdown import escape
from mag.report.material import Material, role_label
from mag.report.paper import Paper
from mag.report.synthesis import board_kind_label, cell, draft, item, level_label, moment, table
from mag.report.synthesis import time_of as _time
from mag.report.synthesis import who as _who

# The kind of contribution a step is made for: no need to say it again.
_NATURAL_KIND = {StepKind.PROPOSALS: "proposal", **KIND_OF_STEP}


# Translated when used, one at a time: a transcript asks for thousands of them.
_KIND_LABELS = {
    ContributionKind.NOTE: N_("note"),
    ContributionKind.STAKES: N_("enjeux"),
    ContributionKind.QUESTION: N_("question"),
    ContributionKind.ANSWER: N_("réponse"),
    ContributionKind.INTERPRETATION: N_("interprétation"),
    ContributionKind.REACTION: N_("réaction"),
    ContributionKind.SUGGESTION: N_("suggestion pour le tableau"),
    ContributionKind.THEORY: N_("apport théorique"),
    ContributionKind.HYPOTHESIS: N_("hypothèse"),
    ContributionKind.PERSPECTIVE: N_("perspective"),
    "proposal": N_("proposition de récit"),
    "board_item": N_("élément du tableau d'analyse"),
}
_SUGGESTION_STATUSES = {
    "accepted": N_("retenue"),
    "declined": N_("écartée"),
    "pending": N_("en attente"),
}
_BOARD_KIND_TITLES = {
    BoardKind.CONVERGENCE: N_("Convergence"),
    BoardKind.DIVERGENCE: N_("Divergence"),
    BoardKind.NOEUD: N_("Nœud"),
}


def kind_label(kind: str) -> str:
    """A transcript row's kind, in words."""
    msgid = _KIND_LABELS.get(kind)
    return _(msgid) if msgid is not None else kind


def typed_by(entered_by: str | None) -> str:
    """Who typed someone else's words."""
    if entered_by == "animateur":
        return _("saisi par l'animateur·rice")
    return _("saisi par le·la rapporteur·rice")


def once_per_material(make: Callable[[Material], str]) -> Callable[[Material], str]:
    """``make``, remembering its text for the last material it was given, in each locale.

    Archiving writes the seven exports of one material; the Markdown, HTML, PDF and
    DOCX exports all start from the same report, so it is written once. Only a weak
    reference to the material is kept: the memo never keeps one alive, nor takes a new
    material for an old one.
    """
    last: tuple[weakref.ref[Material], str, str] | None = None

    @wraps(make)
    def made(material: Material) -> str:
        nonlocal last
        locale = str(get_locale())
        seen = last  # one read: other threads may replace it meanwhile
        if seen is not None and seen[0]() is material and seen[1] == locale:
            return seen[2]
        text = make(material)
        last = (weakref.ref(material), locale, text)
        return text

    return made


def annex_titles() -> tuple[str, str]:
    """The annexes' headings (the HTML and DOCX exports start each on a new page)."""
    return _("Annexe : consentements"), _("Annexe : transcription")


def title_of(material: Material) -> str:
    return material.state.title or _("Synthèse")


def paper(material: Material) -> Paper:
    """The report as the document formats print it."""
    return Paper(
        title=title_of(material),
        markdown=report(material),
        created_at=material.session.created_at,
        changed_at=material.last_changed,
        annexes=annex_titles(),
    )


@once_per_material
def report(material: Material) -> str:
    """The full report in Markdown."""
    state = material.state
    synthesis = state.synthesis_text if state.synthesis_version else draft(material)
    consents, transcript = annex_titles()
    parts = [
        synthesis.strip(),
        "## " + _("Validation"),
        validation(material),
        "## " + consents,
        consent_records(material),
        "## " + transcript,
        transcription(material),
    ]
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------- validation


def validation(material: Material) -> str:
    state = material.state
    facts = []
    if state.synthesis_versions:
        latest = state.synthesis_versions[-1]
        facts.append(
            _(
                "**Version exportée :** version %(version)s, enregistrée le %(when)s.",
                version=latest.version,
                when=moment(material, latest.at),
            )
        )
    else:
        facts.append(
            _(
                "**Version exportée :** projet généré à partir de la séance, aucune version n'a encore été enregistrée."
            )
        )
    review = state.validation_version
    people = [p for p in state.participants.values() if p.withdrawn_at is None and p.has_accepted]
    facts.append(_validation_status(material, review, people))
    parts = ["\n".join(item(f) for f in facts)]
    if review is not None and state.synthesis_versions and review != state.synthesis_version:
        parts.append(
            _(
                "*La version exportée n'est pas celle soumise aux participant·es (version %(version)s).*",
                version=review,
            )
        )
    rows = []
    for person in people:
        approvals = [a for a in state.approvals if a.participant_id == person.id]
        if not approvals:
            continue
        described = []
        for approval in approvals:
            text = _(
                "version %(version)s, le %(when)s",
                version=approval.version,
                when=moment(material, approval.at),
            )
            if approval.entered_by:
                text += f" ({typed_by(approval.entered_by)})"
            described.append(text)
        rows.append([_who(material, person.id), " ; ".join(described)])
    if rows:
        parts.append(table([_("Participant·e"), _("Approbation")], rows))
    else:
        parts.append(_("*Aucune approbation.*"))
    if review is not None:
        waiting = [_who(material, p.id) for p in people if not state.has_approved(p.id, review)]
        if waiting:
            parts.append(
                _(
                    "**N'ont pas approuvé la version %(version)s :** %(who)s.",
                    version=review,
                    who=", ".join(waiting),
                )
            )
    return "\n\n".join(parts)


def _validation_status(material: Material, review: int | None, people: list) -> str:
    """Where the review stands, in one sentence: what was submitted, who approved, open or not."""
    state = material.state
    if review is None:
        return _("**Validation :** la synthèse n'a pas été soumise aux participant·es.")
    approved = sum(1 for p in people if state.has_approved(p.id, review))
    if people and approved == len(people):
        if state.is_validation_open:
            return _(
                "**Validation :** version %(version)s approuvée par tous les participant·es ; "
                "la relecture reste ouverte.",
                version=review,
            )
        return _(
            "**Validation :** version %(version)s approuvée par tous les participant·es, "
            "relecture close.",
            version=review,
        )
    counted = (
        ngettext(
            "%(num)s participant·e sur %(total)s l'a approuvée",
            "%(num)s participant·es sur %(total)s l'ont approuvée",
            approved,
            total=len(people),
        )
        if approved
        else _("personne ne l'a encore approuvée")
    )
    if state.is_validation_open:
        return _(
            "**Validation :** version %(version)s soumise aux participant·es, relecture en "
            "cours : %(counted)s.",
            version=review,
            counted=counted,
        )
    return _(
        "**Validation :** version %(version)s, relecture close : %(counted)s.",
        version=review,
        counted=counted,
    )


# ---------------------------------------------------------------- consents


def consent_records(material: Material) -> str:
    state = material.state
    parts = []
    if state.convention_text:
        parts.append(
            _(
                "Texte de la convention de travail (version %(version)s) :",
                version=state.convention_version,
            )
        )
        quoted = escape(state.convention_text)
        parts.append("\n".join("> " + line for line in quoted.split("\n")))
    rows = []
    for person in state.participants.values():
        if person.withdrawn_at is not None:
            continue
        if person.accepted_version is not None and person.accepted_at is not None:
            rows.append(
                [
                    _who(material, person.id),
                    str(person.accepted_version),
                    moment(material, person.accepted_at),
                ]
            )
        else:
            rows.append([_who(material, person.id), "—", _("pas acceptée")])
    if rows:
        parts.append(table([_("Participant·e"), _("Version acceptée"), _("Date et heure")], rows))
    else:
        parts.append(_("*Aucun·e participant·e.*"))
    withdrawals = sorted(
        p.withdrawn_at for p in state.participants.values() if p.withdrawn_at is not None
    )
    parts.append("**" + _("Retraits de consentement") + "**")
    if withdrawals:
        label = escape(_("participant·e retiré·e"))
        parts.append(
            "\n".join(
                item(_("%(who)s, le %(when)s", who=label, when=moment(material, at)))
                for at in withdrawals
            )
        )
    else:
        parts.append(_("*Aucun retrait de consentement.*"))
    return "\n\n".join(parts)


# ---------------------------------------------------------------- transcript


Entry = Contribution | Proposal


def _at(entry: Entry | BoardItem) -> datetime:
    return entry.submitted_at if isinstance(entry, Proposal) else entry.at


def _entries(material: Material) -> list[Entry]:
    """Contributions and proposals, in time order."""
    found: list[Entry] = [*material.contributions(), *material.proposals()]
    return sorted(found, key=_at)


def _place(entry: Entry) -> tuple[int, int | None]:
    if isinstance(entry, Proposal):
        return (entry.step_index, None)
    return (entry.step_index, entry.recit)


def _typed_for_someone(entry: Entry) -> str | None:
    """The researcher's role when they typed a participant's words."""
    return entry.entered_by if entry.author_id and entry.entered_by else None


def _notes(material: Material, entry: Entry) -> list[str]:
    """What the transcript says about an entry besides who and what."""
    notes = []
    step = material.protocol.steps[entry.step_index]
    natural = _NATURAL_KIND.get(step.kind)
    if isinstance(entry, Contribution):
        if entry.deferred_from is not None:
            notes.append(_("question reportée au tour de table"))
        elif entry.kind != natural:
            notes.append(kind_label(entry.kind))
        if entry.kind is ContributionKind.SUGGESTION and entry.board_kind:
            notes.append(board_kind_label(entry.board_kind))
            if entry.status in _SUGGESTION_STATUSES:
                notes.append(_(_SUGGESTION_STATUSES[entry.status]))
        if entry.kind is ContributionKind.PERSPECTIVE and entry.level:
            notes.append(level_label(entry.level).lower())
        if entry.is_hidden:
            notes.append(_("pas encore dévoilée"))
    elif natural != "proposal":
        notes.append(kind_label("proposal"))
    typist = _typed_for_someone(entry)
    if typist:
        notes.append(typed_by(typist))
    return notes


def _line(material: Material, entry: Entry, who: Callable[[str | None, str | None], str]) -> str:
    anchor = f'<a id="{anchor_id(entry.id)}"></a>'
    head = [_time(material, _at(entry))]
    rank = material.round_numbers.get(entry.step_index)
    if rank is not None:
        head.append(_("tour %(number)s", number=rank))
    speaker = who(entry.author_id, entry.entered_by)
    notes = _notes(material, entry)
    label = f"**{speaker}**" + (f" *({', '.join(notes)})*" if notes else "")
    text = escape(entry.body) or material.marker
    title = escape(entry.title)
    if title and entry.title != entry.body:
        text = f"**{title}** — {text}"
    if isinstance(entry, Contribution) and entry.reference:
        text += "  \n" + _("*Référence :* %(reference)s", reference=cell(entry.reference))
    return item(f"{anchor}{' · '.join(head)} · {label} : {text}")


def anchor_id(entry_id: str) -> str:
    """The HTML id of a transcript entry: ``c-`` and its id (kept to safe characters)."""
    return "c-" + re.sub(r"[^A-Za-z0-9_-]", "_", entry_id)


def _place_title(material: Material, place: tuple[int, int | None]) -> str:
    index, recit = place
    title = material.step_label(index)
    if recit is not None:
        title = f"{title} — {material.recit_title(recit)}"
    return escape(title)


def transcription(material: Material) -> str:
    entries = _entries(material)
    if not entries:
        return _("*Aucune contribution.*")
    first_visit: dict[tuple[int, int | None], datetime] = {}
    for visit in material.state.visits:
        first_visit.setdefault((visit.step_index, visit.recit), visit.started_at)
    groups: dict[tuple[int, int | None], list[Entry]] = {}
    for entry in entries:
        groups.setdefault(_place(entry), []).append(entry)
    ordered = sorted(
        groups.items(), key=lambda kv: first_visit.get(kv[0], _at(kv[1][0]))
    )  # stable: a place never visited keeps its first entry's time
    # A speaker is named the same way on each of their lines: work it out once.
    who = cache(lambda author_id, entered_by: _who(material, author_id, entered_by))
    parts = []
    for place, group in ordered:
        parts.append(f"### {_place_title(material, place)}")
        parts.append("\n".join(_line(material, entry, who) for entry in group))
    board = sorted(material.state.board.values(), key=lambda i: (i.recit or 0, i.position))
    if board:
        # The board as it stood at the end, so a search hit on an item has a place to land.
        parts.append("### " + _("Tableau d'analyse"))
        parts.append("\n".join(_board_line(material, item) for item in board))
    return "\n\n".join(parts)


def _board_line(material: Material, item: BoardItem) -> str:
    head = [_(_BOARD_KIND_TITLES[item.kind])]
    if item.recit is not None:
        head.append(escape(material.recit_title(item.recit)))
    anchor = f'<a id="{anchor_id(item.id)}"></a>'
    return f"- {anchor}{' · '.join(head)} · **{escape(item.title)}** : {escape(item.formulation)}"


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def _board_kinds(kinds: Iterable[str]) -> list[str]:
    present = set(kinds)
    return [kind.value for kind in BoardKind if kind.value in present]


def transcript_rows(material: Material) -> list[dict[str, object]]:
    """The transcript as records, in time order: contributions, proposals and board items.

    Keys: ``id``, ``at`` (ISO 8601 UTC), ``step`` (its number, e.g. "2.2"),
    ``step_title``, ``round`` (1, 2… in a tour de table of the récit block, else
    None), ``recit`` (1, 2… or None), ``speaker`` (as exports name them),
    ``entered_by`` (who typed it for the speaker, in words, or None), ``kind``
    (a contribution kind, ``proposal`` or ``board_item``), ``text`` (title, words
    and reference, one per line) and ``board_kinds`` (the kinds of the board
    items it is linked to; a board item's own kind).
    """
    state = material.state
    steps = material.protocol.steps
    speaker_of = cache(material.speaker)  # the same few people on thousands of rows
    role = cache(role_label)

    def row(entry_id, at, step_index, recit, speaker, entered_by, kind, texts, kinds):
        step = steps[step_index]
        return {
            "id": entry_id,
            "at": _iso(at),
            "step": step.number,
            "step_title": step.title,
            "round": material.round_numbers.get(step_index),
            "recit": None if recit is None else recit + 1,
            "speaker": speaker,
            "entered_by": role(entered_by) if entered_by else None,
            "kind": kind,
            "text": "\n".join(dict.fromkeys(t for t in texts if t)),
            "board_kinds": _board_kinds(kinds),
        }

    rows = []
    for entry in _entries(material):
        speaker = speaker_of(entry.author_id, entry.entered_by)
        if isinstance(entry, Proposal):
            texts = [entry.title, entry.body or material.marker]
            kinds: set[str] = set()
            kind = "proposal"
        else:
            texts = [entry.title, entry.body or material.marker, entry.reference]
            kinds = {state.board[i].kind.value for i in material.board_links.get(entry.id, ())}
            kind = entry.kind.value
        rows.append(
            (
                _at(entry),
                row(
                    entry.id,
                    _at(entry),
                    entry.step_index,
                    _place(entry)[1],
                    speaker,
                    _typed_for_someone(entry),
                    kind,
                    texts,
                    kinds,
                ),
            )
        )
    analysis = next((i for i, s in enumerate(steps) if s.kind is StepKind.ANALYSIS), None)
    if analysis is not None:
        for board_item in state.board.values():
            typist = board_item.entered_by.split(":", 1)[0]
            rows.append(
                (
                    board_item.at,
                    row(
                        board_item.id,
                        board_item.at,
                        analysis,
                        board_item.recit,
                        role(typist),
                        None,
                        "board_item",
                        [board_item.title, board_item.formulation],
                        {board_item.kind.value},
                    ),
                )
            )
    rows.sort(key=lambda pair: pair[0])
    return [r for _at_, r in rows]
