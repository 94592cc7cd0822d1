"""The session as a REFI-QDA project (.qdpx), for NVivo, ATLAS.ti, MAXQDA and QualCoder.

A .qdpx file is a zip holding ``project.qde`` (XML in the ``urn:QDA-XML:project:1.0``
namespace, described by ``Project.xsd``) and ``sources/``, where a text source
named ``internal://<guid>.txt`` in the XML lives as ``sources/<guid>.txt``.

What this export holds:

- the transcript as one text source: one block per contribution and récit
  proposal, in the order they were made, each a selection over exactly its
  words, dated (made, last changed), coded with its step, its tour de table, its
  récit, the board items it is linked to and its speaker;
- a codebook: « Étapes », « Tours », « Récits », « Analyse » (convergences,
  divergences, nœuds: one code per board item, its formulation as description)
  and « Participants » (one code per case, see below);
- the researchers as users (the typist of a selection is its creating user);
- one case per participant, named as the exports name them (made unique), with
  their function as a variable, referring to the selections of their words;
- « répond à » links from a contribution to the one it answers;
- the synthesis and the method note as dated notes, each also a file in ``sources/``
  (importers read a note's text from its ``plainTextPath``).

Written for the importers as they are, not only for the schema:

- Cases. The standard links a case to text by ``SelectionRef`` inside the
  ``Case``, and each case keeps them, for the importers that follow it
  (NVivo, ATLAS.ti and MAXQDA are closed: not checked here). QualCoder's importer
  (``src/qualcoder/refi.py``) does not: ``parse_cases`` reads a case's name,
  description and variables only, and ``clean_up_case_codes_and_case_text``
  then turns the codings of any code whose GUID equals a case's GUID into that
  case's text, deleting the code (how the exports it was written against hold
  cases); it has no other way in. So each case also exists as a codable code
  with the case's GUID and name, under the « Participants » group, and each
  selection of the person's words is coded with it. Elsewhere that code is
  simply a code per speaker; in QualCoder the empty « Participants » category
  stays. The standard calls a GUID unique but its schema does not check it;
  here one GUID names one person, as a case and as a code. QualCoder keeps one
  case and one code per name, so a case's name differs from every other case
  and codable code (« AS en CPAS (2) »).
- Replies. QualCoder's ``parse_links`` keeps a ``Link`` only to attach a note's
  text to a selection without codings (NVivo's annotations); a link between two
  selections is dropped. So a reply also carries, as its selection's
  ``Description``, whom and what it answers: QualCoder makes it the memo of
  each of the selection's codings (and of its case text); for the standard it
  is a comment on the selection. The ``Link`` stays for the importers that read
  links between selections.
- Positions. The standard (REFI-QDA 1.5, 10.2) counts a text selection in
  Unicode code points of the UTF-8 source file, from 0; QualCoder slices the
  decoded file (a Python ``str``) with ``[startPosition:endPosition]``. So
  positions count code points, the end excluded: an emoji or « 𝔘 » outside
  the Basic Multilingual Plane is one position, not two UTF-16 units. The
  source breaks lines with a line feed alone (QualCoder reads CR LF as one
  character, and makes up for it only when the first line ends so) and holds
  no character XML cannot carry, lone surrogates included, so positions are
  the same in the XML, the file and the importer.
- Dates. Where the schema has them: the project, the source and each note
  (made, changed), each selection (made, last edited) and each coding (made).
  Codes, cases, variables and links have no date in the schema. QualCoder
  stops on a note without a date, dates a selection without one on the day of
  the import, and reads a note's text from its file only.

GUIDs are derived from the session id, and the zip carries fixed dates, so
exporting the same session twice gives the same bytes.

A session's part of the project (:class:`Project`) is written into elements it is given
(``write_users``, ``write_codes``, ``write_cases``, ``write_source``, ``write_notes``,
``write_links``), so a project holding several sessions, a programme's
(``to_programme_qdpx``), writes each into its own and shares one codebook (:class:`Shared`).
"""

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from flask_babel import gettext as _
from lxml import etree

from mag import dates
from mag.domain import events as ev
from mag.domain.state import BoardKind, Contribution, Proposal
from mag.report import method, zipped
from mag.report.material import Material, role_label
from mag.report.synthesis import draft

NAMESPACE = "urn:QDA-XML:project:1.0"
PROJECT_FILE = "project.qde"
ORIGIN = "mag"
# Characters XML 1.0 cannot carry, even escaped (lone surrogates cannot be UTF-8 either).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_QUOTE_LENGTH = 80  # characters of the answered words a reply's description quotes
_GUIDS = uuid.UUID("5f0c8f4e-6b1d-5a0e-9a43-3d1f0c2b7a61")  # mag's namespace for uuid5
_BOARD_COLOURS = {
    BoardKind.CONVERGENCE: "#2E7D32",
    BoardKind.DIVERGENCE: "#C62828",
    BoardKind.NOEUD: "#EF6C00",
}


def export(material: Material) -> bytes:
    """The .qdpx file of ``material``: the same bytes for the same session."""
    project = Project(material)
    return zipped.written(
        [(PROJECT_FILE, project_xml(project)), *files(project)], project.modified_at
    )


# ------------------------------------------------------------------ the transcript


@dataclass
class Entry:
    """A block of the transcript: someone's words and where they were said."""

    key: str  # the contribution or proposal id
    author_id: str | None
    entered_by: str | None
    step_index: int
    recit: int | None
    at: datetime
    body: str
    title: str = ""
    reference: str = ""
    item_ids: list[str] = field(default_factory=list)
    replies_to: list[str] = field(default_factory=list)
    level: str = ""  # a perspective's level (mag.domain.state.Level), else ""
    typist: str | None = None  # the actor key of whoever typed it
    edited_at: datetime | None = None
    editor: str | None = None  # the actor key of whoever last edited it
    edited_by: str | None = None  # the role typing that edit for the author, if any
    start: int = 0
    end: int = 0


@dataclass
class Transcript:
    text: str
    entries: list[Entry]


def entries(material: Material) -> list[Entry]:
    """Every contribution and récit proposal the exports show, in the order they were made."""
    seqs: dict[str, int] = {}
    typists: dict[str, str] = {}
    editors: dict[str, tuple[str, str | None]] = {}
    for event in material.events:
        key = event.data.get("contribution_id") or event.data.get("proposal_id")
        if event.type in (ev.CONTRIBUTION_ADDED, ev.PROPOSAL_SUBMITTED) and key:
            seqs.setdefault(str(key), event.seq)
            typists.setdefault(str(key), event.actor)
        if event.type in (ev.CONTRIBUTION_EDITED, ev.PROPOSAL_EDITED) and key:
            role = event.data.get("entered_by")
            editors[str(key)] = (event.actor, str(role) if role else None)
    items = material.board_links
    found = [_from_contribution(c, items.get(c.id, [])) for c in material.contributions()]
    found += [_from_proposal(material, p) for p in material.proposals()]
    for entry in found:
        entry.typist = typists.get(entry.key)
        if entry.edited_at is not None:
            entry.editor, entry.edited_by = editors.get(entry.key, (None, None))
        if material.is_withdrawn(entry.author_id):  # title and body are both the marker
            entry.title = entry.reference = ""
    # A raised hand nobody wrote down has no words to select.
    found = [entry for entry in found if entry.body.strip()]
    return sorted(found, key=lambda e: (e.at, seqs.get(e.key, 0)))


def _from_contribution(c: Contribution, item_ids: list[str]) -> Entry:
    return Entry(
        key=c.id,
        author_id=c.author_id,
        entered_by=c.entered_by,
        step_index=c.step_index,
        recit=c.recit,
        at=c.at,
        body=_clean(c.body),
        title=_clean(c.title),
        reference=_clean(c.reference),
        item_ids=item_ids,
        replies_to=list(c.replies_to),
        level=c.level,
        edited_at=c.edited_at,
    )


def _from_proposal(material: Material, p: Proposal) -> Entry:
    chosen = [i for i, r in enumerate(material.state.recits) if r.proposal_id == p.id]
    return Entry(
        key=p.id,
        author_id=p.author_id,
        entered_by=p.entered_by,
        step_index=p.step_index,
        recit=chosen[0] if chosen else None,
        at=p.submitted_at,
        body=_clean(p.body),
        title=_clean(p.title),
        edited_at=p.edited_at,
    )


def _clean(text: str) -> str:
    """One kind of line break, no character XML cannot carry: offsets stay true everywhere."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def heading(material: Material, entry: Entry) -> str:
    """« [HH:MM] 2.2 Premier tour… — Récit 1 : … — speaker (saisi par …) »."""
    parts = [f"[{dates.clock(material.local(entry.at))}] {material.step_label(entry.step_index)}"]
    recit = material.recit_title(entry.recit)
    if recit:
        parts.append(recit)
    speaker = material.speaker(entry.author_id, entry.entered_by)
    if entry.author_id is not None and entry.entered_by:
        speaker += " (" + _("saisi par %(typist)s", typist=role_label(entry.entered_by)) + ")"
    parts.append(speaker)
    return _clean(" — ".join(parts))


def transcript(material: Material) -> Transcript:
    """The source text, each entry's body at ``[entry.start:entry.end]``."""
    text = ""
    found = entries(material)
    for entry in found:
        if text:
            text += "\n\n"
        text += heading(material, entry) + ": "
        if entry.title:
            text += f"« {entry.title} » "
        entry.start = len(text)
        text += entry.body
        entry.end = len(text)
        if entry.reference:
            text += " (" + _("référence : %(reference)s", reference=entry.reference) + ")"
    return Transcript(text + "\n" if text else "", found)


# ------------------------------------------------------------------ the project


class Names:
    """Names given once each: « AS en CPAS », then « AS en CPAS (2) ».

    QualCoder keeps one code or case per name, and one source or note per name.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)

    def unique(self, base: str) -> str:
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base} ({number})"
        self.taken.add(name)
        return name


@dataclass
class Shared:
    """What the sessions of a project holding several (a programme's) share.

    One codebook: the steps and tours de table are one code each by name, whatever the
    session (« 2.2 Premier tour de table des interprétations » codes that round's words in
    every group); the levels are the project's (a perspective is coded with its own);
    a programme theme codes the words linked to the board items it gathers. Names of
    codable codes and cases are taken once in the whole project, as are those of sources
    and notes. The programme's export (``mag.report.to_programme_qdpx``) fills it and
    writes the shared codes; each session writes its own under it.
    """

    guid: Callable[[str], str]  # the project's GUIDs, from a name
    codes: Names = field(default_factory=Names)  # codable codes and cases
    documents: Names = field(default_factory=Names)  # sources and notes
    steps: dict[str, str] = field(default_factory=dict)  # step label → code GUID
    rounds: dict[str, str] = field(default_factory=dict)  # tour name → code GUID
    levels: dict[str, str] = field(default_factory=dict)  # Level value → code GUID
    # (session id, board item id) → the GUIDs of the programme themes gathering it.
    item_themes: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    function_variable: str = ""  # the GUID of « Fonction »

    names: dict[str, str] = field(default_factory=dict)  # a shared code's GUID → its name

    def step(self, label: str) -> str:
        if label not in self.steps:
            self.steps[label] = self.guid(f"code/step/{label}")
            self.names[self.steps[label]] = self.codes.unique(label)
        return self.steps[label]

    def round(self, name: str) -> str:
        if name not in self.rounds:
            self.rounds[name] = self.guid(f"code/round/{name}")
            self.names[self.rounds[name]] = self.codes.unique(name)
        return self.rounds[name]


@dataclass(frozen=True)
class NoteText:
    guid: str
    name: str
    text: str
    author: str | None  # user GUIDs
    at: datetime
    modifier: str | None
    modified_at: datetime


class Project:
    """What one session puts into project.qde, with the stable GUID of everything in it.

    Alone (the session's own export) it is the whole project; with ``shared`` it is one
    session of a programme's project (:class:`Shared`). Its GUIDs come from the session's
    id either way, so a session's selections and codes are the same in both.
    """

    def __init__(self, material: Material, shared: Shared | None = None) -> None:
        self.material = material
        self.state = material.state
        self.shared = shared
        self.transcript = transcript(material)
        self.source_guid = self.guid("source/transcript")
        self.created_at = material.session.created_at
        self.modified_at = material.last_changed

    def guid(self, name: str) -> str:
        return str(uuid.uuid5(_GUIDS, f"{self.material.session_id}/{name}"))

    def in_project(self, name: str, *, titled: bool = False) -> str:
        """A source's or note's name: in a shared project, once, with the session's title
        unless it holds it (``titled``)."""
        if self.shared is None:
            return name
        return self.shared.documents.unique(name if titled else f"{name} — {self.state.title}")

    @cached_property
    def source_name(self) -> str:
        name = _("Transcription — %(title)s", title=self.state.title)
        return self.in_project(name, titled=True)

    @cached_property
    def notes(self) -> list[NoteText]:
        """The synthesis (saved, else the draft) and the method note, dated.

        A saved synthesis was made with its first version and changed with its latest.
        """
        text, author, at = self.synthesis()
        version = self.state.synthesis_version
        name = (
            _("Synthèse (version %(version)s)", version=version)
            if version
            else _("Synthèse (brouillon)")
        )
        versions = self.state.synthesis_versions
        first = versions[0] if versions else None
        return [
            NoteText(
                self.guid("note/synthesis"),
                self.in_project(name),
                _clean(text),  # the file and the inline copy: the same characters
                self.user_of(first.author) if first else None,
                first.at if first else self.modified_at,
                self.user_of(author),
                at or self.modified_at,
            ),
            NoteText(
                self.guid("note/method"),
                self.in_project(_("Note de méthode")),
                _clean(method_note(self.material)),
                self.creator,
                self.modified_at,
                self.creator,
                self.modified_at,
            ),
        ]

    # Users: the session's creator and the team members who run it with them.

    def users(self) -> list[tuple[str, str]]:
        """(guid, name) of each researcher (in a shared project, with the session's title)."""
        found = [(self.guid("user/creator"), role_label("animateur"))]
        for member in sorted(self.state.members.values(), key=lambda m: m.id):
            if member.role in ("animateur", "rapporteur"):
                name = f"{member.name} ({role_label(member.role)})" if member.name else ""
                found.append((self.guid(f"user/{member.id}"), name or role_label(member.role)))
        if self.shared is not None:
            found = [(guid, f"{name} — {self.state.title}") for guid, name in found]
        return found

    def user_of(self, actor: str | None, entered_by: str | None = None) -> str | None:
        """The user who typed, from an event's actor (or the role typing for a participant)."""
        if actor == "animateur":
            return self.guid("user/creator")
        if actor and ":" in actor:
            member_id = actor.split(":", 1)[1]
            if member_id in self.state.members:
                return self.guid(f"user/{member_id}")
        if entered_by:  # the participant is the actor: only the role is known
            members = [m for m in self.state.members.values() if m.role == entered_by]
            if entered_by == "animateur" and not members:
                return self.guid("user/creator")
            if entered_by == "rapporteur" and len(members) == 1:
                return self.guid(f"user/{members[0].id}")
        return None

    @property
    def creator(self) -> str:
        return self.guid("user/creator")

    @property
    def function_variable(self) -> str:
        """The GUID of the « Fonction » variable the cases give a value of."""
        if self.shared is not None:
            return self.shared.function_variable
        return self.guid("variable/function")

    # Codes.

    def step_code(self, index: int) -> str:
        if self.shared is not None:
            return self.shared.step(self.material.step_label(index))
        return self.guid(f"code/step/{index}")

    def round_code(self, number: int) -> str:
        if self.shared is not None:
            return self.shared.round(self.round_name(number))
        return self.guid(f"code/round/{number}")

    def recit_code(self, recit: int) -> str:
        return self.guid(f"code/recit/{recit}")

    def item_code(self, item_id: str) -> str:
        return self.guid(f"code/item/{item_id}")

    @staticmethod
    def round_name(rank: int) -> str:
        return _("Tour %(number)s", number=rank)

    def codings(self, entry: Entry) -> list[tuple[str, str]]:
        """(code guid, what the coding is of) for each code an entry gets."""
        found = [(self.step_code(entry.step_index), "step")]
        rank = self.material.round_numbers.get(entry.step_index)
        if rank is not None:
            found.append((self.round_code(rank), "round"))
        if entry.recit is not None and entry.recit < len(self.state.recits):
            found.append((self.recit_code(entry.recit), "recit"))
        found += [(self.item_code(item_id), f"item/{item_id}") for item_id in entry.item_ids]
        if entry.author_id in self.case_names:  # the case's own code: see the module docstring
            found.append((self.case_guid(entry.author_id), "case"))
        if self.shared is not None:
            if entry.level in self.shared.levels:
                found.append((self.shared.levels[entry.level], "level"))
            themes: list[str] = []
            for item_id in entry.item_ids:
                for theme in self.shared.item_themes.get((self.material.session_id, item_id), []):
                    if theme not in themes:
                        themes.append(theme)
            found += [(theme, f"theme/{theme}") for theme in themes]
        return found

    def case_guid(self, participant_id: str) -> str:
        """The GUID of a participant's case, and of the code standing for it."""
        return self.guid(f"case/{participant_id}")

    @cached_property
    def code_names(self) -> dict[str, str]:
        """The name of each récit's and board item's code (``recit/<n>``, ``item/<id>``).

        Alone, as the exports name them; in a shared project, each name once in it.
        """
        material, state = self.material, self.state
        names = {f"recit/{i}": material.recit_title(i) for i in range(len(state.recits))}
        for item in sorted(state.board.values(), key=lambda item: item.position):
            names[f"item/{item.id}"] = item.title
        if self.shared is not None:
            names = {key: self.shared.codes.unique(name) for key, name in names.items()}
        return names

    @cached_property
    def case_names(self) -> dict[str, str]:
        """Participant id → case name, for each case: as the exports name them, each
        name used once among cases and codable codes (QualCoder keeps one of each)."""
        material, state = self.material, self.state
        if self.shared is not None:
            self.code_names  # noqa: B018 (the récits and items take their names first)
            taken = self.shared.codes
        else:
            taken = Names({material.step_label(i) for i in range(len(material.protocol.steps))})
            taken.taken |= {self.round_name(rank) for rank in material.round_numbers.values()}
            taken.taken |= {material.recit_title(i) for i in range(len(state.recits))}
            taken.taken |= {item.title for item in state.board.values()}
        return {pid: taken.unique(material.speaker(pid)) for pid in self.participants()}

    def selection_guid(self, entry: Entry) -> str:
        return self.guid(f"selection/{entry.key}")

    def participants(self) -> list[str]:
        """Ids of the participants who appear as cases."""
        authors = {e.author_id for e in self.transcript.entries}
        return [
            p.id
            for p in self.state.participants.values()
            if self.material.shows(p.id) and (p.has_accepted or p.id in authors)
        ]

    def synthesis(self) -> tuple[str, str | None, datetime | None]:
        """The synthesis text, who saved it (actor key) and when."""
        if self.state.synthesis_versions:
            latest = self.state.synthesis_versions[-1]
            return self.state.synthesis_text, latest.author, latest.at
        return draft(self.material), None, None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: etree._Element | None, tag: str, text: str | None = None, **attributes):
    name = f"{{{NAMESPACE}}}{tag}"
    attrs = {key: _clean(value) for key, value in attributes.items() if value is not None}
    element = (
        etree.Element(name, attrs, nsmap={None: NAMESPACE})
        if parent is None
        else etree.SubElement(parent, name, attrs)
    )
    if text is not None:
        element.text = _clean(text)
    return element


class Parts:
    """The project's top-level elements, made in the schema's order and filled in any.

    Those left empty are dropped by :meth:`close` (the schema wants at least one child
    in each); what comes after them (its description, its notes) is added after.
    """

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.users = _el(root, "Users")
        self.codes = _el(_el(root, "CodeBook"), "Codes")
        self.variables = _el(root, "Variables")
        self.cases = _el(root, "Cases")
        self.sources = _el(root, "Sources")
        self.notes = _el(root, "Notes")
        self.links = _el(root, "Links")

    def close(self) -> None:
        for part in (self.users, self.variables, self.cases, self.sources, self.notes):
            if len(part) == 0:
                self.root.remove(part)
        if len(self.codes) == 0:
            self.root.remove(self.codes.getparent())
        if len(self.links) == 0:
            self.root.remove(self.links)


def project_xml(project: Project) -> bytes:
    material, state = project.material, project.state
    root = _el(
        None,
        "Project",
        name=state.title or material.session_id,
        origin=ORIGIN,
        creatingUserGUID=project.creator,
        creationDateTime=_iso(project.created_at),
        modifiedDateTime=_iso(project.modified_at),
    )
    parts = Parts(root)
    write_users(parts.users, project)
    write_codes(parts.codes, project)
    _el(
        parts.variables,
        "Variable",
        guid=project.function_variable,
        name=_("Fonction"),
        typeOfVariable="Text",
    )
    write_cases(parts.cases, project)
    write_source(parts.sources, project)
    write_notes(parts.notes, project)
    write_links(parts.links, project)
    parts.close()
    if state.question:
        _el(root, "Description", state.question)
    for note in project.notes:
        _el(root, "NoteRef", targetGUID=note.guid)
    return xml_bytes(root)


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _code(parent, guid: str, name: str, *, codable: bool, colour: str | None = None):
    return _el(
        parent, "Code", guid=guid, name=name, isCodable="true" if codable else "false", color=colour
    )


def write_users(users: etree._Element, project: Project) -> None:
    for guid, name in project.users():
        _el(users, "User", guid=guid, name=name)


def write_codes(codes: etree._Element, project: Project) -> None:
    """The session's codes under ``codes``: its steps and tours when alone (a shared
    project writes those once for all), its récits, board items and participants."""
    material, state = project.material, project.state
    if project.shared is None:
        steps = _code(codes, project.guid("code/steps"), _("Étapes"), codable=False)
        for index in range(len(material.protocol.steps)):
            _code(steps, project.step_code(index), material.step_label(index), codable=True)
        rounds = _code(codes, project.guid("code/rounds"), _("Tours"), codable=False)
        for rank in sorted(material.round_numbers.values()):
            _code(rounds, project.round_code(rank), project.round_name(rank), codable=True)
    names = project.code_names
    recits = _code(codes, project.guid("code/recits"), _("Récits"), codable=False)
    for index in range(len(state.recits)):
        _code(recits, project.recit_code(index), names[f"recit/{index}"], codable=True)
    analysis = _code(codes, project.guid("code/analysis"), _("Analyse"), codable=False)
    board = sorted(state.board.values(), key=lambda item: item.position)
    for kind, label in (
        (BoardKind.CONVERGENCE, _("Convergences")),
        (BoardKind.DIVERGENCE, _("Divergences")),
        (BoardKind.NOEUD, _("Nœuds")),
    ):
        colour = _BOARD_COLOURS[kind]
        group = _code(
            analysis, project.guid(f"code/board/{kind}"), label, codable=False, colour=colour
        )
        for item in (i for i in board if i.kind is kind):
            code = _code(
                group,
                project.item_code(item.id),
                names[f"item/{item.id}"],
                codable=True,
                colour=colour,
            )
            if item.formulation:
                _el(code, "Description", item.formulation)
    people = _code(codes, project.guid("code/participants"), _("Participants"), codable=False)
    for pid, name in project.case_names.items():
        _code(people, project.case_guid(pid), name, codable=True)


def write_cases(cases: etree._Element, project: Project) -> None:
    material = project.material
    for pid, name in project.case_names.items():
        case = _el(cases, "Case", guid=project.case_guid(pid), name=name)
        value = _el(case, "VariableValue")
        _el(value, "VariableRef", targetGUID=project.function_variable)
        _el(value, "TextValue", material.state.participants[pid].function)
        for entry in project.transcript.entries:
            if entry.author_id == pid:
                _el(case, "SelectionRef", targetGUID=project.selection_guid(entry))


def write_source(sources: etree._Element, project: Project) -> None:
    """The transcript as a text source (in a shared project, its notes referred to)."""
    material = project.material
    source = _el(
        sources,
        "TextSource",
        guid=project.source_guid,
        name=project.source_name,
        plainTextPath=f"internal://{project.source_guid}.txt",
        creatingUser=project.creator,
        creationDateTime=_iso(project.created_at),
        modifiedDateTime=_iso(project.modified_at),
    )
    _el(
        source,
        "Description",
        _("Toutes les contributions de la séance, dans l'ordre où elles ont été faites."),
    )
    shown = {entry.key: entry for entry in project.transcript.entries}
    for entry in project.transcript.entries:
        typist = project.user_of(entry.typist, entry.entered_by)
        editor = typist
        if entry.edited_at is not None:
            editor = project.user_of(entry.editor, entry.edited_by)
        selection = _el(
            source,
            "PlainTextSelection",
            guid=project.selection_guid(entry),
            name=heading(material, entry),
            startPosition=str(entry.start),
            endPosition=str(entry.end),
            creatingUser=typist,
            creationDateTime=_iso(entry.at),
            modifyingUser=editor,
            modifiedDateTime=_iso(entry.edited_at or entry.at),
        )
        answered = [shown[key] for key in entry.replies_to if key in shown]
        if answered:  # what QualCoder reads of a reply: see the module docstring
            _el(selection, "Description", "\n".join(replies(material, a) for a in answered))
        for code, what in project.codings(entry):
            user, at = typist, entry.at
            if what.startswith("item/"):  # coded by whoever put it on the board
                item = project.state.board[what.removeprefix("item/")]
                user, at = project.user_of(item.entered_by), item.at
            coding = _el(
                selection,
                "Coding",
                guid=project.guid(f"coding/{entry.key}/{what}"),
                creatingUser=user,
                creationDateTime=_iso(at),
            )
            _el(coding, "CodeRef", targetGUID=code)
    if project.shared is not None:
        for note in project.notes:
            _el(source, "NoteRef", targetGUID=note.guid)


def replies(material: Material, answered: Entry) -> str:
    """« Répond à [10:07] 2.2 … — Bruno : « the first words… » »."""
    words = answered.body
    if len(words) > _QUOTE_LENGTH:
        words = words[:_QUOTE_LENGTH].rstrip() + "…"
    return _(
        "Répond à %(heading)s : « %(words)s »",
        heading=heading(material, answered),
        words=words,
    )


def write_notes(notes: etree._Element, project: Project) -> None:
    """The synthesis and the method note.

    Each note is dated and stored twice: as a file beside the transcript (what
    importers read) and inline (what the schema's readers may prefer).
    """
    for note in project.notes:
        element = _el(
            notes,
            "Note",
            guid=note.guid,
            name=note.name,
            plainTextPath=f"internal://{note.guid}.txt",
            creatingUser=note.author,
            creationDateTime=_iso(note.at),
            modifyingUser=note.modifier,
            modifiedDateTime=_iso(note.modified_at),
        )
        _el(element, "PlainTextContent", note.text)


def write_links(links: etree._Element, project: Project) -> None:
    """« répond à »: a contribution that answers another one, both shown.

    Also in the replying selection's description, for QualCoder: see the module docstring.
    """
    shown = {e.key: e for e in project.transcript.entries}
    for origin in project.transcript.entries:
        for key in origin.replies_to:
            if key not in shown:
                continue
            target = shown[key]
            _el(
                links,
                "Link",
                guid=project.guid(f"link/{origin.key}/{target.key}"),
                name=_("répond à"),
                direction="OneWay",
                originGUID=project.selection_guid(origin),
                targetGUID=project.selection_guid(target),
            )


def files(project: Project) -> list[tuple[str, bytes]]:
    """The session's files under ``sources/``: its transcript and its notes."""
    return [
        (f"sources/{project.source_guid}.txt", project.transcript.text.encode()),
        *((f"sources/{note.guid}.txt", note.text.encode()) for note in project.notes),
    ]


# ------------------------------------------------------------------ the method note


def method_note(material: Material) -> str:
    """Protocol, question, dates, who took part, real and planned time of each step.

    The same facts as the synthesis's « Note de méthode » (:mod:`mag.report.method`),
    as plain text.
    """
    known = method.facts(material)
    lines = [
        _(
            "Protocole : %(title)s (%(name)s)",
            title=known.protocol_title,
            name=known.protocol_name,
        ),
    ]
    if known.question:
        lines.append(_("Question : %(question)s", question=known.question))
    if known.planned_dates:
        planned = ", ".join(_date(d) for d in known.planned_dates)
        lines.append(_("Dates prévues : %(dates)s", dates=planned))
    if known.started_at is not None:
        start = material.local(known.started_at)
        end = _("en cours")
        if known.ended_at is not None:
            end = dates.day_and_clock(material.local(known.ended_at))
        lines.append(
            _(
                "Séance : du %(start)s au %(end)s (fuseau horaire : %(zone)s)",
                start=dates.day_and_clock(start),
                end=end,
                zone=known.timezone,
            )
        )
    lines.append(_("Participant·es : %(count)s", count=method.participants_text(known)))
    lines += ["", _("Temps passé par étape (réel / prévu) :")]
    for step in known.steps:
        label = material.step_label(step.index)
        if step.recit is not None:
            label += f" — {material.recit_title(step.recit)}"
        spent = str(round(step.spent)) if step.spent is not None else "—"
        lines.append(
            _(
                "- %(step)s : %(spent)s min / %(planned)s min",
                step=label,
                spent=spent,
                planned=step.planned,
            )
        )
    lines.append(
        _(
            "Total : %(spent)s min / %(planned)s min",
            spent=round(known.spent_total),
            planned=known.planned_total,
        )
    )
    return "\n".join(lines) + "\n"


def _date(value: str) -> str:
    try:
        return dates.day(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError:
        return value
