"""The programme as one REFI-QDA project (.qdpx): every session and every fiche, one codebook.

What the project holds:

- each session of the programme as its own export holds it (``to_qdpx``): its transcript
  as a text source, each contribution a selection coded with its step, tour, récit, board
  items and speaker; its participants as cases; its synthesis and method note as notes
  (named with the session's title, referred to from its transcript);
- each fiche as a text source of its own, its fields laid out one a line, the
  programme's names list applied as when a fiche becomes a récit (a listed name
  becomes « […] »); one selection over the whole fiche, coded with its themes, its
  levels, its service, its digital barrier and its consequences; the worker's
  function, region and the day of the situation as the source's variables;
- one codebook for all of it (:class:`~mag.report.to_qdpx.Shared`): the fiches' themes,
  the three levels (a session's perspectives are coded with theirs too), the services,
  barriers and consequences; the steps and tours de table once each by name, so one
  code gathers a step's words in every group; then each session's own récits, board
  items and participants under its title; and the programme's themes, if any
  (:class:`ProgrammeTheme`), each coding the fiches and the words behind the board
  items it gathers.

Every GUID is made once: a session's from its id (the same as in its own export), the
programme's from the programme's id. Names of codable codes and cases are given once in
the whole project (« AS en CPAS (2) »), as are those of sources and notes: QualCoder keeps
one of each name. Exporting the same programme twice gives the same bytes.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from lxml import etree

from mag import dates
from mag.domain.programme import (
    BARRIERS,
    CONSEQUENCES,
    LEVELS,
    NAME_REMOVED,
    OTHER,
    REGIONS,
    apply_replacements,
    themes_in_use,
)
from mag.report import zipped
from mag.report.programme import FicheFile, ProgrammeFile, ProgrammeTheme
from mag.report.to_qdpx import (
    _GUIDS,
    ORIGIN,
    PROJECT_FILE,
    Names,
    Parts,
    Project,
    Shared,
    _clean,
    _code,
    _el,
    _iso,
    files,
    write_cases,
    write_codes,
    write_links,
    write_notes,
    write_source,
    write_users,
    xml_bytes,
)

_LEVEL_COLOURS = {"pratique": "#1565C0", "institution": "#6A1B9A", "politique": "#00838F"}


def export(programme: ProgrammeFile, themes: Sequence[ProgrammeTheme] | None = None) -> bytes:
    """The .qdpx file of ``programme``, with ``themes`` (by default the programme's own:
    none until the programme board gives them)."""
    project = ProgrammeProject(programme, programme.themes if themes is None else themes)
    contents = [(PROJECT_FILE, project.xml())]
    for session in project.sessions:
        contents += files(session)
    contents += [(f"sources/{fiche.guid}.txt", fiche.text.encode()) for fiche in project.fiches]
    return zipped.written(contents, programme.last_changed)


# ------------------------------------------------------------------ the fiches


@dataclass
class FicheSource:
    fiche: FicheFile
    guid: str
    name: str
    text: str
    codes: list[str] = field(default_factory=list)  # code GUIDs, in the codebook's order


def fiche_text(fiche: FicheFile, names: Sequence[str]) -> str:
    """A fiche laid out to be read, one field a line, the programme's ``names`` replaced."""
    listed = [(name, "") for name in names]  # a listed name becomes « […] »

    def clean(text: str) -> str:
        return _clean(apply_replacements(text, listed).strip())

    def other(label: str, written: str) -> str:
        return f"{label} : {clean(written)}" if written.strip() else label

    service = fiche.service
    if service == OTHER:
        service = other(_("Autre"), fiche.service_other)
    barrier = _(BARRIERS[fiche.barrier]) if fiche.barrier in BARRIERS else ""
    if fiche.barrier == OTHER:
        barrier = other(barrier, fiche.barrier_other)
    consequences = [_(CONSEQUENCES[key]) for key in fiche.consequences if key != OTHER]
    if OTHER in fiche.consequences:
        consequences.append(other(_("Autre"), fiche.consequence_other))
    fields = [
        (_("Service ou administration concerné"), clean(service)),
        (_("Obstacle numérique"), barrier),
        (_("Qui était concerné"), clean(fiche.public)),
        (_("Conséquences"), ", ".join(consequences)),
        (_("Ce qui a été fait"), clean(fiche.action)),
        (_("Fonction"), clean(fiche.function)),
        (_("Région"), _(REGIONS[fiche.region]) if fiche.region in REGIONS else ""),
        (_("Date de la situation"), dates.day(fiche.occurred_on)),
    ]
    lines = [_("Ce qui s'est passé :"), clean(fiche.what_happened), ""]
    lines += [f"{label} : {value or '–'}" for label, value in fields]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the project


class ProgrammeProject:
    """What goes into the programme's project.qde, each GUID made once."""

    def __init__(self, programme: ProgrammeFile, themes: Sequence[ProgrammeTheme] = ()) -> None:
        self.programme = programme
        self.shared = Shared(self.guid)
        self.shared.function_variable = self.guid("variable/function")
        self.region_variable = self.guid("variable/region")
        self.day_variable = self.guid("variable/occurred_on")
        self.team = self.guid("user/team")
        taken = self.shared.codes
        # The programme's themes first: the names the team chose stay as they are.
        self.themes = []
        for number, theme in enumerate(themes, start=1):
            key = f"id/{theme.id}" if theme.id else str(number)
            guid = self.guid(f"code/theme/{key}")
            self.themes.append((guid, taken.unique(_clean(theme.title)), theme))
            for session_id, item_id in theme.items:
                self.shared.item_themes.setdefault((session_id, item_id), []).append(guid)
        self.level_names = {}
        for level, label in LEVELS.items():
            self.shared.levels[level] = self.guid(f"code/level/{level}")
            self.level_names[level] = taken.unique(_(label))
        self.tags = [
            (self.guid(f"code/tag/{tag.casefold()}"), taken.unique(_clean(tag)), tag.casefold())
            for tag in themes_in_use(programme.fiches)
        ]
        self.services = self._services(taken)
        self.barriers = {
            key: (self.guid(f"code/barrier/{key}"), taken.unique(self._barrier(key)))
            for key in BARRIERS
        }
        self.consequences = {
            key: (self.guid(f"code/consequence/{key}"), taken.unique(self._consequence(key)))
            for key in CONSEQUENCES
        }
        # The steps and tours, once by name, before any session takes a name of its own.
        for material in programme.sessions:
            for index in range(len(material.protocol.steps)):
                self.shared.step(material.step_label(index))
            for rank in sorted(material.round_numbers.values()):
                self.shared.round(Project.round_name(rank))
        self.sessions = [Project(material, self.shared) for material in programme.sessions]
        for session in self.sessions:
            session.case_names  # noqa: B018 (names taken session by session, in order)
        self.fiches = self._fiches()

    def guid(self, name: str) -> str:
        return str(uuid.uuid5(_GUIDS, f"programme/{self.programme.id}/{name}"))

    @staticmethod
    def _barrier(key: str) -> str:
        return _("Autre obstacle") if key == OTHER else _(BARRIERS[key])

    @staticmethod
    def _consequence(key: str) -> str:
        return _("Autre conséquence") if key == OTHER else _(CONSEQUENCES[key])

    def _services(self, taken: Names) -> dict[str, tuple[str, str]]:
        """Service → (code GUID, name): the team's list, then any other a fiche names."""
        found: dict[str, tuple[str, str]] = {}
        used = [fiche.service for fiche in self.programme.fiches if fiche.service]
        for service in [*self.programme.services, *used]:
            if service in found:
                continue
            name = _("Autre service") if service == OTHER else _clean(service)
            found[service] = (self.guid(f"code/service/{service}"), taken.unique(name))
        return found

    def _fiches(self) -> list[FicheSource]:
        found = []
        documents = self.shared.documents
        for number, fiche in enumerate(self.programme.fiches, start=1):
            name = _(
                "Fiche %(number)s (%(date)s)", number=number, date=dates.day(fiche.occurred_on)
            )
            source = FicheSource(
                fiche,
                self.guid(f"source/fiche/{fiche.id}"),
                documents.unique(name),
                fiche_text(fiche, self.programme.names),
            )
            themes = {theme.casefold() for theme in fiche.themes}
            source.codes += [
                guid for guid, _name, theme in self.themes if fiche.id in theme.fiche_ids
            ]
            source.codes += [guid for guid, _name, key in self.tags if key in themes]
            source.codes += [self.shared.levels[level] for level in LEVELS if level in fiche.levels]
            if fiche.service in self.services:
                source.codes.append(self.services[fiche.service][0])
            if fiche.barrier in self.barriers:
                source.codes.append(self.barriers[fiche.barrier][0])
            source.codes += [
                self.consequences[key][0] for key in CONSEQUENCES if key in fiche.consequences
            ]
            found.append(source)
        return found

    # The XML.

    def xml(self) -> bytes:
        programme = self.programme
        root = _el(
            None,
            "Project",
            name=programme.title,
            origin=ORIGIN,
            creatingUserGUID=self.team,
            creationDateTime=_iso(programme.created_at),
            modifiedDateTime=_iso(programme.last_changed),
        )
        parts = Parts(root)
        _el(parts.users, "User", guid=self.team, name=_("Équipe de recherche du programme"))
        for session in self.sessions:
            write_users(parts.users, session)
        self._codebook(parts.codes)
        variables = parts.variables
        _el(
            variables,
            "Variable",
            guid=self.shared.function_variable,
            name=_("Fonction"),
            typeOfVariable="Text",
        )
        _el(
            variables,
            "Variable",
            guid=self.region_variable,
            name=_("Région"),
            typeOfVariable="Text",
        )
        _el(
            variables,
            "Variable",
            guid=self.day_variable,
            name=_("Date de la situation"),
            typeOfVariable="Date",
        )
        for session in self.sessions:
            write_cases(parts.cases, session)
        for session in self.sessions:
            write_source(parts.sources, session)
        for fiche in self.fiches:
            self._fiche_source(parts.sources, fiche)
        for session in self.sessions:
            write_notes(parts.notes, session)
        for session in self.sessions:
            write_links(parts.links, session)
        parts.close()
        _el(root, "Description", programme.question)
        return xml_bytes(root)

    def _codebook(self, codes: etree._Element) -> None:
        if self.themes:
            group = _code(codes, self.guid("code/themes"), _("Thèmes du programme"), codable=False)
            for guid, name, theme in self.themes:
                code = _code(group, guid, name, codable=True)
                if theme.description:
                    _el(code, "Description", theme.description)
        group = _code(codes, self.guid("code/tags"), _("Thèmes des fiches"), codable=False)
        for guid, name, _key in self.tags:
            _code(group, guid, name, codable=True)
        group = _code(codes, self.guid("code/levels"), _("Niveaux"), codable=False)
        for level in LEVELS:
            colour = _LEVEL_COLOURS[level]
            _code(
                group,
                self.shared.levels[level],
                self.level_names[level],
                codable=True,
                colour=colour,
            )
        fiches = _code(codes, self.guid("code/fiches"), _("Fiches incident"), codable=False)
        for key, title, found in (
            ("services", _("Services et administrations"), self.services),
            ("barriers", _("Obstacles numériques"), self.barriers),
            ("consequences", _("Conséquences"), self.consequences),
        ):
            group = _code(fiches, self.guid(f"code/fiches/{key}"), title, codable=False)
            for guid, name in found.values():
                _code(group, guid, name, codable=True)
        if self.shared.steps:
            group = _code(codes, self.guid("code/steps"), _("Étapes"), codable=False)
            for guid in self.shared.steps.values():
                _code(group, guid, self.shared.names[guid], codable=True)
        if self.shared.rounds:
            group = _code(codes, self.guid("code/rounds"), _("Tours"), codable=False)
            for guid in self.shared.rounds.values():
                _code(group, guid, self.shared.names[guid], codable=True)
        if self.sessions:
            group = _code(codes, self.guid("code/sessions"), _("Séances"), codable=False)
            for session in self.sessions:
                own = _code(group, session.guid("code/session"), session.state.title, codable=False)
                write_codes(own, session)

    def _fiche_source(self, sources: etree._Element, source: FicheSource) -> None:
        fiche = source.fiche
        element = _el(
            sources,
            "TextSource",
            guid=source.guid,
            name=source.name,
            plainTextPath=f"internal://{source.guid}.txt",
            creatingUser=self.team,
            creationDateTime=_iso(fiche.created_at),
            modifiedDateTime=_iso(fiche.created_at),
        )
        _el(
            element,
            "Description",
            _(
                "Fiche incident reçue par le formulaire du programme ; les noms de sa liste "
                "y sont remplacés par « %(marker)s ».",
                marker=NAME_REMOVED,
            ),
        )
        selection = _el(
            element,
            "PlainTextSelection",
            guid=self.guid(f"selection/fiche/{fiche.id}"),
            name=source.name,
            startPosition="0",
            endPosition=str(len(source.text.rstrip("\n"))),
            creatingUser=self.team,
            creationDateTime=_iso(fiche.created_at),
            modifyingUser=self.team,
            modifiedDateTime=_iso(fiche.created_at),
        )
        for code in source.codes:
            coding = _el(
                selection,
                "Coding",
                guid=self.guid(f"coding/fiche/{fiche.id}/{code}"),
                creatingUser=self.team,
                creationDateTime=_iso(fiche.created_at),
            )
            _el(coding, "CodeRef", targetGUID=code)
        names = [(name, "") for name in self.programme.names]
        for guid, value in (
            (self.shared.function_variable, apply_replacements(fiche.function, names)),
            (self.region_variable, _(REGIONS[fiche.region]) if fiche.region in REGIONS else ""),
        ):
            if value:
                variable = _el(element, "VariableValue")
                _el(variable, "VariableRef", targetGUID=guid)
                _el(variable, "TextValue", value)
        variable = _el(element, "VariableValue")
        _el(variable, "VariableRef", targetGUID=self.day_variable)
        _el(variable, "DateValue", fiche.occurred_on.isoformat())
