"""The cross-analysis of a programme: what its sessions and fiches found, gathered into themes.

A programme's board starts from *sources*: each session's convergences, divergences and nœuds
(the analysis board) and its practical perspectives, and the themes researchers gave the fiches
(their tags). Researchers group sources into programme *themes*; a theme says where it comes
from (which groups, which fiches, which quotes, attributed by function only) and gathers its
proposals at the three levels: the perspectives among its sources, and those the team writes.

Plain data in, plain data out. A session's sources are read from its exportable state (the
material: replacement list applied, withdrawn words gone), so nothing here can show what an
export could not; a quote of a participant who withdrew is left out altogether.

A source is named by a key that stays the same while it exists: ``b:<session>:<item>`` for a
board item, ``p:<session>:<contribution>`` for a perspective, ``t:<tag>`` for the fiches tagged
with a theme (the tag in lower case), ``f:<fiche>`` for one fiche. A theme keeps the keys it was
given; a key whose source is gone (a fiche deleted, a session detached, a tag removed) shows
nowhere and counts for nothing.
"""

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mag.domain.i18n import N_, DomainError
from mag.domain.programme import apply_replacements
from mag.domain.state import BoardKind, ContributionKind, Level, SessionState
from mag.domain.steps.base import clean_text

THEME_TITLE_MAX = 120
THEME_SUMMARY_MAX = 8000
THEME_PROPOSAL_MAX = 2000
THEMES_MAX = 200  # a programme's themes
THEME_SOURCES_MAX = 500
THEME_PROPOSALS_MAX = 60
QUOTES_MAX = 5  # quotes a board item brings along, in the order the board linked them


class SourceKind(StrEnum):
    CONVERGENCE = BoardKind.CONVERGENCE.value
    DIVERGENCE = BoardKind.DIVERGENCE.value
    NOEUD = BoardKind.NOEUD.value
    PERSPECTIVE = "perspective"
    FICHE_TAG = "fiche_tag"
    FICHE = "fiche"


# The kinds of source that are a session's board items.
BOARD_KINDS = frozenset({SourceKind.CONVERGENCE, SourceKind.DIVERGENCE, SourceKind.NOEUD})

SOURCE_KINDS = {
    SourceKind.CONVERGENCE: N_("Convergence"),
    SourceKind.DIVERGENCE: N_("Divergence"),
    SourceKind.NOEUD: N_("Nœud"),
    SourceKind.PERSPECTIVE: N_("Perspective"),
    SourceKind.FICHE_TAG: N_("Thème des fiches"),
    SourceKind.FICHE: N_("Fiche"),
}

LEVELS = {
    Level.PRATIQUE.value: N_("Pratique professionnelle"),
    Level.INSTITUTION.value: N_("Institutions"),
    Level.POLITIQUE.value: N_("Politique et secteur"),
}


@dataclass(frozen=True)
class Quote:
    """Someone's words as a theme cites them: the text, and the speaker's function only."""

    text: str
    function: str  # "" when the person gave none: the edge says « un·e participant·e »


@dataclass(frozen=True)
class Source:
    key: str
    kind: SourceKind
    session_id: str | None  # None for fiches and their tags
    title: str
    text: str = ""
    level: str = ""  # a perspective's level
    quotes: tuple[Quote, ...] = ()
    fiche_ids: tuple[str, ...] = ()  # the fiches a tag or a fiche stands for


@dataclass(frozen=True)
class Group:
    """A session of the programme, as its sources name it."""

    session_id: str
    title: str


@dataclass(frozen=True)
class FicheInfo:
    """What the board needs of a fiche: anything with these fields will do (a stored fiche)."""

    id: str
    what_happened: str
    function: str
    themes: Sequence[str]
    levels: Sequence[str]


# Gathering the sources -------------------------------------------------------------------------


def session_sources(session_id: str, state: SessionState) -> list[Source]:
    """The board items and perspectives of one session, from its exportable state."""
    participants = state.participants

    def quote(contribution_id: str) -> Quote | None:
        c = state.contributions.get(contribution_id)
        if c is None or c.is_withdrawn or not c.body:
            return None
        person = participants.get(c.author_id or "")
        if person is not None and person.withdrawn_at is not None:
            return None
        return Quote(c.body, person.function if person is not None else "")

    found: list[Source] = []
    for item in sorted(state.board.values(), key=lambda item: item.position):
        quotes = [q for q in map(quote, item.links) if q is not None]
        found.append(
            Source(
                key=f"b:{session_id}:{item.id}",
                kind=SourceKind(item.kind.value),
                session_id=session_id,
                title=item.title,
                text=item.formulation,
                quotes=tuple(quotes[:QUOTES_MAX]),
            )
        )
    perspectives = sorted(
        (c for c in state.contributions.values() if c.kind is ContributionKind.PERSPECTIVE),
        key=lambda c: c.at,
    )
    for c in perspectives:
        said = quote(c.id)
        if said is None:
            continue
        found.append(
            Source(
                key=f"p:{session_id}:{c.id}",
                kind=SourceKind.PERSPECTIVE,
                session_id=session_id,
                title=c.title or _first_words(c.body),
                text=c.body,
                level=c.level,
                quotes=(said,),
            )
        )
    return found


def tag_key(tag: str) -> str:
    return "t:" + tag.casefold()


def fiche_sources(fiches: Iterable[FicheInfo]) -> list[Source]:
    """One source per theme the fiches were tagged with, holding those fiches, alphabetically."""
    tags: dict[str, tuple[str, list[str]]] = {}
    for fiche in fiches:
        for tag in fiche.themes:
            tags.setdefault(tag.casefold(), (tag, []))[1].append(fiche.id)
    return [
        Source(key=tag_key(tag), kind=SourceKind.FICHE_TAG, session_id=None, title=tag,
               fiche_ids=tuple(ids))
        for tag, ids in sorted(tags.values(), key=lambda found: found[0].casefold())
    ]  # fmt: skip


def _first_words(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]
    return (head[: head.rindex(" ")] if " " in head else head) + "…"


# Themes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeProposal:
    id: str
    level: str
    text: str


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    summary: str = ""
    sources: tuple[str, ...] = ()
    proposals: tuple[ThemeProposal, ...] = ()


def clean_theme_title(value: object) -> str:
    return clean_text(value, N_("Titre du thème"), THEME_TITLE_MAX)


def clean_theme_summary(value: object) -> str:
    return clean_text(value, N_("Ce que les groupes et les fiches en disent"), THEME_SUMMARY_MAX,
                      required=False)  # fmt: skip


def clean_theme_proposal(level: object, text: object) -> tuple[str, str]:
    if level not in LEVELS:
        raise DomainError(
            "invalid_choice", N_("Choisissez « %(field)s » dans la liste."), field=N_("Niveau")
        )
    return str(level), clean_text(text, N_("Proposition"), THEME_PROPOSAL_MAX)


def check_new_theme(themes: Sequence[Theme], title: str) -> None:
    if len(themes) >= THEMES_MAX:
        raise DomainError(
            "too_many_themes",
            N_("Ce programme a déjà %(limit)s thèmes : regroupez-en avant d'en créer un autre."),
            limit=THEMES_MAX,
        )
    if any(t.title.casefold() == title.casefold() for t in themes):
        raise DomainError(
            "theme_exists", N_("Un thème porte déjà ce titre : « %(title)s »."), title=title
        )


def with_sources(theme: Theme, keys: Iterable[object], known: Container[str]) -> Theme:
    """``theme`` with ``keys`` added to its sources; each must name a source that exists now."""
    added = list(theme.sources)
    for key in keys:
        if not isinstance(key, str) or key not in known:
            raise DomainError(
                "unknown_source",
                N_("Cette source n'existe plus : rechargez la page et choisissez-en une autre."),
            )
        if key not in added:
            added.append(key)
    if len(added) > THEME_SOURCES_MAX:
        raise DomainError(
            "too_many_sources",
            N_("Un thème ne peut pas rassembler plus de %(limit)s sources."),
            limit=THEME_SOURCES_MAX,
        )
    return Theme(theme.id, theme.title, theme.summary, tuple(added), theme.proposals)


def without_source(theme: Theme, key: str) -> Theme:
    return Theme(theme.id, theme.title, theme.summary,
                 tuple(k for k in theme.sources if k != key), theme.proposals)  # fmt: skip


def with_proposal(theme: Theme, proposal: ThemeProposal) -> Theme:
    """``theme`` with ``proposal`` added, or in place of the one with its id (a retry)."""
    kept = tuple(p for p in theme.proposals if p.id != proposal.id)
    if len(kept) >= THEME_PROPOSALS_MAX:
        raise DomainError(
            "too_many_proposals",
            N_("Un thème ne peut pas avoir plus de %(limit)s propositions."),
            limit=THEME_PROPOSALS_MAX,
        )
    return Theme(theme.id, theme.title, theme.summary, theme.sources, (*kept, proposal))


# The board as shown --------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelProposal:
    """A proposal at one level: the team's own (``source`` None) or a group's perspective."""

    text: str
    source: Source | None = None
    proposal_id: str = ""


@dataclass(frozen=True)
class ThemeView:
    theme: Theme
    sources: list[Source]  # those that still exist, in the order they were added
    groups: list[Group]  # the sessions its sources come from, in the programme's order
    fiche_ids: list[str]  # every fiche it holds, through tags or alone, once each
    quotes: list[tuple[Quote, Group | None]]
    proposals: dict[str, list[LevelProposal]]  # level → proposals, every level present


@dataclass(frozen=True)
class Board:
    themes: list[ThemeView]
    groups: list[Group]  # the programme's sessions, in its order
    sources: list[Source]  # sessions' sources first (groups' order), then the fiches' tags
    unsorted: list[Source]  # of those, the ones no theme holds yet
    keys: frozenset[str]  # every key a theme may be given now, single fiches' included

    def groups_per_theme(self) -> dict[str, int]:
        """Theme title → how many groups raised it (a figure of the programme's page)."""
        return {view.theme.title: len(view.groups) for view in self.themes}


def board(
    themes: Sequence[Theme],
    groups: Sequence[Group],
    sources: Sequence[Source],
    fiches: Sequence[FicheInfo],
    names: Sequence[str] = (),
) -> Board:
    """Resolve each theme's keys against the sources that exist now.

    ``sources`` are the sessions' (:func:`session_sources`, in the groups' order); the fiches'
    tags are added here. A fiche's words are shown with the programme's ``names`` replaced.
    """
    everything = [*sources, *fiche_sources(fiches)]
    by_key = {source.key: source for source in everything}
    # A single fiche is a source only where a theme holds it: thousands are never built.
    held_fiches = {key for theme in themes for key in theme.sources if key.startswith("f:")}
    replacements = [(name, "") for name in names]
    for fiche in fiches:
        key = "f:" + fiche.id
        if key not in held_fiches:
            continue
        text = apply_replacements(fiche.what_happened, replacements)
        by_key[key] = Source(
            key=key, kind=SourceKind.FICHE, session_id=None, title=_first_words(text),
            text=text, quotes=(Quote(text, fiche.function),), fiche_ids=(fiche.id,),
        )  # fmt: skip
    group_of = {group.session_id: group for group in groups}
    held: set[str] = set()
    views = []
    for theme in themes:
        found = [by_key[key] for key in theme.sources if key in by_key]
        held.update(source.key for source in found)
        sessions = {s.session_id for s in found if s.session_id in group_of}
        levels: dict[str, list[LevelProposal]] = {level: [] for level in LEVELS}
        for s in found:
            if s.kind is SourceKind.PERSPECTIVE and s.level in levels:
                levels[s.level].append(LevelProposal(s.text, s))
        for p in theme.proposals:
            levels.setdefault(p.level, []).append(LevelProposal(p.text, None, p.id))
        views.append(
            ThemeView(
                theme=theme,
                sources=found,
                groups=[g for g in groups if g.session_id in sessions],
                fiche_ids=list(dict.fromkeys(fid for s in found for fid in s.fiche_ids)),
                quotes=[
                    (quote, group_of.get(s.session_id or ""))
                    for s in found
                    if s.kind is not SourceKind.FICHE_TAG
                    for quote in s.quotes
                ],
                proposals=levels,
            )
        )
    return Board(
        themes=views,
        groups=list(groups),
        sources=everything,
        unsorted=[s for s in everything if s.key not in held],
        keys=frozenset(by_key).union("f:" + fiche.id for fiche in fiches),
    )
