"""A programme's booklet: the rules of its versions, and the counts its draft is made of.

The booklet is Markdown the research team edits, saved as numbered versions like a
session's synthesis: a save names the version it started from (``base_version``) and is
refused when another was saved since, so nobody overwrites a colleague's work without
seeing it; saving the very text of the latest version is refused too, as it would make a
version that changes nothing.

The draft (:mod:`mag.report.booklet`) counts people and fiches with the functions here:
what each group says of its participants (:class:`GroupFacts`, from its exportable
material: a participant who withdrew is counted, never named nor given a function), and
the fiches by service, barrier, consequence and region.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mag.domain.i18n import N_, DomainError
from mag.domain.steps.base import clean_text

BOOKLET_MAX = 300_000  # characters, as a session's synthesis
VERSIONS_MAX = 500  # a programme's saved versions
AUTHOR_MAX = 120


def clean_booklet(value: object) -> str:
    return clean_text(value, N_("Texte du livret"), BOOKLET_MAX)


def base_version(value: object) -> int:
    """The version an editor's text started from, as a form sends it (0: none saved yet)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        number = int(value.strip())
    else:
        raise DomainError(
            "invalid_version",
            N_("La version de départ du texte est illisible : rechargez la page."),
        )
    return number


def check_save(text: str, base: int, latest: int, latest_text: str | None) -> None:
    """Refuse a save made on an older version, one that changes nothing, or one too many.

    ``latest`` is the number of the latest saved version (0 when none is), ``latest_text``
    its text.
    """
    if base != latest:
        raise DomainError(
            "booklet_changed",
            N_(
                "Une version plus récente du livret (version %(version)s) a été enregistrée "
                "entre-temps : votre texte n'a pas été enregistré. Reprenez vos changements "
                "dans la version %(version)s, puis enregistrez."
            ),
            version=latest,
        )
    if latest_text is not None and text == latest_text:
        raise DomainError(
            "booklet_unchanged",
            N_("Rien n'a changé depuis la version %(version)s."),
            version=latest,
        )
    if latest >= VERSIONS_MAX:
        raise DomainError(
            "too_many_versions",
            N_(
                "Le livret a déjà %(limit)s versions : exportez-le et commencez un autre "
                "programme pour aller plus loin."
            ),
            limit=VERSIONS_MAX,
        )


# The groups' participants ------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFacts:
    """What the booklet says of one group (a session of the programme)."""

    session_id: str
    title: str
    days: tuple[date, ...]  # the first and the last day it met (one if the same), or planned
    is_planned: bool  # days are those planned: it has not started
    participants: int  # who accepted the convention, those who withdrew included
    withdrawn: int  # of them, who withdrew their consent
    functions: tuple[str, ...]  # each one's function ("" if none), those who withdrew left out
    # Names that may appear in its texts, and what each becomes in the booklet: a
    # participant's pseudonym → their function ("" when they gave none), a team member's name.
    names: tuple[tuple[str, str], ...] = ()


def participants_by_function(groups: Iterable[GroupFacts]) -> list[tuple[str, int]]:
    """Every function across the groups with how many took part under it, most first.

    The same function written in another case is one; "" (no function given) comes last.
    """
    counts: dict[str, list] = {}
    for group in groups:
        for function in group.functions:
            key = " ".join(function.split()).casefold()
            found = counts.setdefault(key, [" ".join(function.split()), 0])
            found[1] += 1
    named = sorted(
        ((shown, count) for key, (shown, count) in counts.items() if key),
        key=lambda pair: (-pair[1], pair[0].casefold()),
    )
    unnamed = [("", counts[""][1])] if "" in counts else []
    return named + unnamed


# The fiches ---------------------------------------------------------------------------------
