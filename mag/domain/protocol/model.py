"""The protocol's model: the kinds of steps, a step, a protocol (read by :mod:`.reader`)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from mag.domain.i18n import N_, DomainError

# The language protocol files are written in; others are translations of it.
SOURCE_LANGUAGE = "fr"


class StepKind(StrEnum):
    """What happens in a step; the session engine and the screens dispatch on it."""

    AGREEMENT = "agreement"
    ROUND = "round"
    PROPOSALS = "proposals"
    VOTE = "vote"
    NARRATION = "narration"
    STAKES = "stakes"
    QUESTIONS = "questions"
    REACTIONS = "reactions"
    ANALYSIS = "analysis"
    THEORY = "theory"
    HYPOTHESES = "hypotheses"
    PERSPECTIVES = "perspectives"
    EVALUATION = "evaluation"
    DISCUSSION = "discussion"


class Contributor(StrEnum):
    """Who speaks or writes in a step.

    ``participants`` means every participant, narrators included; ``narrateur`` means the
    narrator of the current récit has a part of their own (e.g. speaks last in a round).
    """

    ANIMATEUR = "animateur"
    RAPPORTEUR = "rapporteur"
    PARTICIPANTS = "participants"
    NARRATEUR = "narrateur"


class Visibility(StrEnum):
    """Whether written contributions are shown to other participants as they arrive.

    ``hidden``: they stay hidden from other participants until the animateur reveals them,
    so that nobody anchors on the first answer.
    """

    OPEN = "open"
    HIDDEN = "hidden"


class VoteMode(StrEnum):
    """How a ``vote`` step counts: one voice, several voices, or a ranking."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    RANKING = "ranking"


class RoundOrder(StrEnum):
    """Order of speakers in a ``round`` step: order of arrival, seating order, or random."""

    JOIN = "join"
    SEATING = "seating"
    SHUFFLED = "shuffled"


class QuestionKind(StrEnum):
    """Kind of an evaluation question: a number on a scale, or free text."""

    SCALE = "scale"
    OPEN = "open"


def _empty_mapping() -> Mapping[str, object]:
    return MappingProxyType({})


def _freeze(mapping: Mapping[str, object]) -> Mapping[str, object]:
    if isinstance(mapping, MappingProxyType):
        return mapping
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Step:
    """One step of a protocol, as written in the file (strings stripped, values checked).

    ``options`` holds the kind-specific settings, completed with their defaults:

    - ``vote``: ``mode`` (:class:`VoteMode`), ``votes`` (int; always 1 for ``single``);
    - ``round``: ``order`` (:class:`RoundOrder`), ``narrator_last`` (bool), ``turn_minutes`` (int);
    - ``evaluation``: ``questions``, a tuple of read-only mappings with ``id``, ``kind``
      (:class:`QuestionKind`), ``text`` and, for scales, ``min`` and ``max``;
    - any other kind: empty.
    """

    id: str
    number: str
    phase: str
    title: str
    kind: StepKind | str  # a str: a kind a module of mag.domain.steps brings
    contributors: frozenset[Contributor]
    visibility: Visibility
    duration_minutes: int
    instructions: str
    per_recit: bool = False
    options: Mapping[str, object] = dataclasses.field(default_factory=_empty_mapping, hash=False)
    # Language -> {phase, title, instructions} as the file gives them (French is the source).
    translations: Mapping[str, Mapping[str, str]] = dataclasses.field(
        default_factory=_empty_mapping, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "contributors", frozenset(self.contributors))
        object.__setattr__(self, "options", _freeze(self.options))
        object.__setattr__(self, "translations", _freeze(self.translations))

    @property
    def is_hidden(self) -> bool:
        """True when written contributions wait for the animateur's reveal."""
        return self.visibility is Visibility.HIDDEN

    def plain_options(self) -> dict[str, object]:
        """``options`` as plain dicts, lists and strings, ready for JSON."""
        return _plain(self.options)  # type: ignore[return-value]


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


@dataclass(frozen=True)
class Protocol:
    """An ordered, validated list of steps with a name (slug), a title and a description."""

    name: str
    title: str
    description: str
    steps: tuple[Step, ...]
    # The TOML text it was read from: a session stores it, so its steps never
    # change under it even if the file is edited later.
    source: str = dataclasses.field(default="", compare=False, repr=False)
    # Language -> {title, description} as the file gives them (French is the source).
    translations: Mapping[str, Mapping[str, str]] = dataclasses.field(
        default_factory=_empty_mapping, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "translations", _freeze(self.translations))

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the file gives its texts in: French, then the translated ones."""
        return (SOURCE_LANGUAGE, *sorted(self.translations))

    def translated(self, language: str) -> Protocol:
        """The protocol with its texts in ``language`` where the file gives them, in French
        elsewhere; without the translations, as a page or a report shows it."""
        return _translated(self, language)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def step(self, index: int) -> Step:
        """Return the step at 0-based ``index``; negative indexes are refused."""
        if not 0 <= index < len(self.steps):
            raise DomainError(
                "unknown_step",
                N_("Ce protocole n'a pas d'étape en position %(index)s."),
                index=index,
            )
        return self.steps[index]

    def index_of(self, step_id: str) -> int:
        """Return the 0-based position of the step called ``step_id``."""
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise DomainError(
            "unknown_step",
            N_("Étape inconnue : « %(step_id)s »."),
            step_id=step_id,
        )

    @property
    def recit_block(self) -> range:
        """0-based indexes of the steps repeated for each chosen récit (empty if none).

        Validation guarantees that these steps follow one another.
        """
        indexes = [index for index, step in enumerate(self.steps) if step.per_recit]
        if not indexes:
            return range(0)
        return range(indexes[0], indexes[-1] + 1)

    def total_minutes(self, recits: int = 1) -> int:
        """Planned duration of a session analysing ``recits`` récits."""
        return sum(step.duration_minutes * (recits if step.per_recit else 1) for step in self.steps)


def _in(language: str, texts: Mapping[str, object], translations: Mapping) -> dict[str, object]:
    """``texts`` with the fields ``translations`` gives in ``language`` put in."""
    return {**texts, **translations.get(language, {})}


def _translated_question(question: Mapping[str, object], language: str) -> Mapping[str, object]:
    fields = _in(language, question, question.get("translations", {}))
    fields.pop("translations", None)
    return MappingProxyType(fields)


def _translated_step(step: Step, language: str) -> Step:
    texts = {"phase": step.phase, "title": step.title, "instructions": step.instructions}
    options = dict(step.options)
    if "questions" in options:
        options["questions"] = tuple(
            _translated_question(question, language) for question in options["questions"]
        )
    return dataclasses.replace(
        step, **_in(language, texts, step.translations), options=options, translations={}
    )


@functools.lru_cache(maxsize=256)
def _translated(protocol: Protocol, language: str) -> Protocol:
    texts = {"title": protocol.title, "description": protocol.description}
    return dataclasses.replace(
        protocol,
        **_in(language, texts, protocol.translations),
        steps=tuple(_translated_step(step, language) for step in protocol.steps),
        translations={},
    )
