"""Reading protocol files: every problem of a file at once, in French, and the built-in ones.

Loading never stops at the first mistake: :func:`parse_protocol` collects every problem of the
file (step, field, French message) and raises :class:`ProtocolInvalid` carrying all of them, so a
facilitator can fix a file in one pass.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from mag.domain.i18n import N_, DomainError
from mag.domain.protocol.model import (
    SOURCE_LANGUAGE,
    Contributor,
    Protocol,
    QuestionKind,
    RoundOrder,
    Step,
    StepKind,
    Visibility,
    VoteMode,
    _empty_mapping,
    _freeze,
)

# What a file may say.
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
DURATION_RANGE = (1, 600)
TURN_MINUTES_RANGE = (1, 60)
SCALE_DEFAULT = (1, 5)
SCALE_MAX_POINTS = 11


# --------------------------------------------------------------------------------------------
# Problems


def _identity(text: str) -> str:
    return text


LOCATION_STEP_WITH_ID = N_("étape %(number)s (« %(id)s »)")
LOCATION_STEP = N_("étape %(number)s")
LOCATION_FIELD = N_("champ « %(field)s »")
LOCATED_MESSAGE = N_("%(location)s : %(message)s")


@dataclass(frozen=True)
class Problem:
    """One mistake in a protocol file, located precisely enough to be fixed.

    ``step_number`` is the 1-based position of the ``[[steps]]`` table in the file (None for the
    ``[protocol]`` table or the whole file); ``field`` is the key at fault, dotted for nested
    keys (``protocol.title``, ``options.mode``, ``options.questions[2].min`` with 1-based
    question positions).
    """

    step_number: int | None
    step_id: str | None
    field: str | None
    msgid: str
    params: Mapping[str, object] = dataclasses.field(default_factory=_empty_mapping, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(self.params))

    def message(self, translate: Callable[[str], str] = _identity) -> str:
        """The message alone, translated and filled in."""
        text = translate(self.msgid)
        return text % dict(self.params) if self.params else text

    def format(self, translate: Callable[[str], str] = _identity) -> str:
        """Where and what, e.g. « étape 3 (« choix »), champ « kind » : type d'étape inconnu… »."""
        parts = []
        if self.step_number is not None:
            if self.step_id:
                parts.append(
                    translate(LOCATION_STEP_WITH_ID)
                    % {"number": self.step_number, "id": self.step_id}
                )
            else:
                parts.append(translate(LOCATION_STEP) % {"number": self.step_number})
        if self.field:
            parts.append(translate(LOCATION_FIELD) % {"field": self.field})
        message = self.message(translate)
        if not parts:
            return message[:1].upper() + message[1:]
        return translate(LOCATED_MESSAGE) % {"location": ", ".join(parts), "message": message}


class ProtocolInvalid(DomainError):
    """A protocol file has mistakes; ``problems`` lists all of them, in file order."""

    def __init__(self, problems: Sequence[Problem], source: str = "<texte>") -> None:
        super().__init__(
            "protocol_invalid",
            N_("Le protocole « %(source)s » contient %(count)s problème(s)."),
            source=source,
            count=len(problems),
        )
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source

    def __str__(self) -> str:
        lines = [super().__str__()]
        lines.extend(f"- {problem.format()}" for problem in self.problems)
        return "\n".join(lines)


# Problem messages. They start in lower case: Problem.format() puts the location first.
MSG_TOML_SYNTAX = N_(
    "le fichier n'est pas du TOML valide (ligne %(line)s, colonne %(column)s) : %(detail)s."
)
MSG_UNREADABLE = N_("impossible de lire le fichier : %(detail)s.")
MSG_NOT_UTF8 = N_(
    "le fichier n'est pas enregistré en UTF-8 (octet %(position)s) ; "
    "enregistrez-le en UTF-8 avec votre éditeur de texte."
)
MSG_MISSING_PROTOCOL = N_(
    "la table [protocol] manque ; elle donne le nom, le titre et la description du protocole."
)
MSG_NO_STEPS = N_("le protocole ne contient aucune étape : ajoutez au moins une table [[steps]].")
MSG_STEPS_NOT_TABLES = N_(
    "les étapes s'écrivent sous forme de tables [[steps]] ; la valeur donnée est %(value)s."
)
MSG_NOT_TABLE = N_("doit être une table ; la valeur donnée est %(value)s.")
MSG_UNKNOWN_FIELD = N_("champ inconnu. Champs possibles : %(allowed)s.")
MSG_UNKNOWN_FIELD_SUGGEST = N_(
    "champ inconnu. Vouliez-vous dire « %(suggestion)s » ? Champs possibles : %(allowed)s."
)
MSG_MISSING_FIELD = N_("champ obligatoire manquant.")
MSG_NOT_STRING = N_("doit être un texte entre guillemets ; la valeur donnée est %(value)s.")
MSG_NOT_INT = N_("doit être un nombre entier ; la valeur donnée est %(value)s.")
MSG_NOT_BOOL = N_("doit valoir true ou false ; la valeur donnée est %(value)s.")
MSG_NOT_LIST = N_(
    "doit être une liste entre crochets, par exemple %(example)s ; la valeur donnée est %(value)s."
)
MSG_EMPTY = N_("ne doit pas être vide.")
MSG_BAD_SLUG = N_(
    "identifiant mal formé « %(value)s » : utilisez seulement des lettres minuscules sans "
    "accents, des chiffres et des tirets, en commençant par une lettre ou un chiffre."
)
MSG_DUPLICATE_ID = N_("l'identifiant « %(value)s » est déjà utilisé par l'étape %(other)s.")
MSG_UNKNOWN_KIND = N_("type d'étape inconnu « %(value)s ». Types possibles : %(allowed)s.")
MSG_UNKNOWN_CONTRIBUTOR = N_("rôle inconnu « %(value)s ». Rôles possibles : %(allowed)s.")
MSG_UNKNOWN_VISIBILITY = N_("visibilité inconnue « %(value)s ». Valeurs possibles : %(allowed)s.")
MSG_UNKNOWN_VALUE = N_("valeur inconnue « %(value)s ». Valeurs possibles : %(allowed)s.")
MSG_NO_CONTRIBUTORS = N_(
    "la liste est vide : indiquez qui parle ou écrit dans cette étape (%(allowed)s)."
)
MSG_OUT_OF_RANGE = N_(
    "doit être compris entre %(min)s et %(max)s ; la valeur donnée est %(value)s."
)
MSG_TOO_SMALL = N_("doit valoir au moins %(min)s ; la valeur donnée est %(value)s.")
MSG_FIRST_NOT_AGREEMENT = N_(
    "la première étape doit être de type « agreement » : la convention de travail est acceptée "
    "avant tout le reste. Type donné : « %(value)s »."
)
MSG_RECIT_BLOCK_SPLIT = N_(
    "cette étape est répétée pour chaque récit (per_recit = true), mais l'étape %(gap)s la "
    "sépare des étapes répétées précédentes ; les étapes répétées doivent se suivre."
)
MSG_NO_OPTIONS = N_("les étapes de type « %(kind)s » n'acceptent pas d'options.")
MSG_VOTES_WITH_SINGLE = N_(
    'avec mode = "single", chacun a une seule voix : retirez « votes » ou choisissez '
    'mode = "multiple" ou "ranking".'
)
MSG_SCALE_ORDER = N_("le minimum (%(min)s) doit être plus petit que le maximum (%(max)s).")
MSG_SCALE_TOO_LONG = N_(
    "une échelle compte au plus %(limit)s points ; celle-ci va de %(min)s à %(max)s."
)
MSG_OPEN_HAS_BOUNDS = N_(
    "une question ouverte n'a ni minimum ni maximum : retirez ce champ ou choisissez "
    'kind = "scale".'
)
MSG_DUPLICATE_QUESTION = N_(
    "l'identifiant « %(value)s » est déjà utilisé par la question %(other)s."
)
MSG_QUESTIONS_NOT_TABLES = N_(
    "les questions s'écrivent sous forme de tables [[steps.options.questions]] ; "
    "la valeur donnée est %(value)s."
)
MSG_NEEDS_SCALE_QUESTION = N_(
    'ajoutez au moins une question sur une échelle (kind = "scale"), '
    "par exemple sur la méthode ou sur l'animation."
)
MSG_BAD_LANGUAGE = N_(
    "code de langue mal formé « %(value)s » : deux lettres minuscules, par exemple « nl » "
    "ou « en »."
)
MSG_SOURCE_TRANSLATED = N_(
    "le français est la langue source du fichier : ses textes s'écrivent hors de « translations »."
)
MSG_MISSING_TRANSLATION = N_(
    "traduction manquante en « %(language)s » : le fichier donne ses textes dans cette langue "
    "ailleurs, donnez-la ici aussi."
)
MSG_NEEDS_OPEN_QUESTION = N_(
    'ajoutez au moins une question ouverte (kind = "open"), par exemple '
    "« Qu'est-ce qui vous a été utile ? »."
)

PROBLEM_MSGIDS: tuple[str, ...] = tuple(
    value for name, value in globals().items() if name.startswith("MSG_")
)
"""Every problem message, for documentation and tests."""


# --------------------------------------------------------------------------------------------
# Reading helpers: each reports into a scope and returns None when the value is unusable.

_MISSING = object()


def _show(value: object) -> str:
    """Render a TOML value the way the facilitator wrote it, quotes included for text."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = '"' + value.replace('"', '\\"') + '"'
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{key} = {_show(item)}" for key, item in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(_show(item) for item in value) + "]"
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


E = TypeVar("E", bound=StrEnum)


def _allowed(values: Sequence[str] | type[StrEnum]) -> str:
    return ", ".join(str(value) for value in values)


@dataclass(frozen=True)
class _Scope:
    """Where problems are reported: a step (or not) and a prefix for nested field names."""

    problems: list[Problem]
    step_number: int | None = None
    step_id: str | None = None
    prefix: str = ""

    def report(self, key: str, msgid: str, **params: object) -> None:
        problem = Problem(self.step_number, self.step_id, self.prefix + key, msgid, params)
        self.problems.append(problem)

    def nested(self, prefix: str) -> _Scope:
        return _Scope(self.problems, self.step_number, self.step_id, self.prefix + prefix)


def _check_keys(scope: _Scope, table: Mapping[str, object], allowed: Sequence[str]) -> None:
    for key in table:
        if key in allowed:
            continue
        suggestion = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if suggestion:
            scope.report(
                key,
                MSG_UNKNOWN_FIELD_SUGGEST,
                suggestion=suggestion[0],
                allowed=_allowed(allowed),
            )
        else:
            scope.report(key, MSG_UNKNOWN_FIELD, allowed=_allowed(allowed))


def _get(scope: _Scope, table: Mapping[str, object], key: str, required: bool) -> object:
    value = table.get(key, _MISSING)
    if value is _MISSING and required:
        scope.report(key, MSG_MISSING_FIELD)
    return value


def _read_str(
    scope: _Scope, table: Mapping[str, object], key: str, *, required: bool = True
) -> str | None:
    """A stripped, non-empty string; ``""`` when optional and absent."""
    value = _get(scope, table, key, required)
    if value is _MISSING:
        return None if required else ""
    if not isinstance(value, str):
        scope.report(key, MSG_NOT_STRING, value=_show(value))
        return None
    value = value.strip()
    if required and not value:
        scope.report(key, MSG_EMPTY)
        return None
    return value


def _read_translations(
    scope: _Scope, table: Mapping[str, object], fields: Sequence[str]
) -> Mapping[str, Mapping[str, str]] | None:
    """``translations``: for each language (two lowercase letters), some of ``fields``, each
    non-empty. Whether every text is given in every language is checked over the whole
    file (:func:`_check_translations`)."""
    raw = table.get("translations", {})
    if not isinstance(raw, dict):
        scope.report("translations", MSG_NOT_TABLE, value=_show(raw))
        return None
    scope = scope.nested("translations.")
    translations: dict[str, Mapping[str, str]] = {}
    for language, texts in raw.items():
        if language == SOURCE_LANGUAGE:
            scope.report(language, MSG_SOURCE_TRANSLATED)
            continue
        if not LANGUAGE_PATTERN.match(language):
            scope.report(language, MSG_BAD_LANGUAGE, value=language)
            continue
        if not isinstance(texts, dict):
            scope.report(language, MSG_NOT_TABLE, value=_show(texts))
            continue
        inner = scope.nested(f"{language}.")
        _check_keys(inner, texts, fields)
        read = {key: _read_str(inner, texts, key) for key in fields if key in texts}
        translations[language] = MappingProxyType(
            {key: value for key, value in read.items() if value is not None}
        )
    return MappingProxyType(translations)


def _check_translations(scope: _Scope, document: Mapping[str, object]) -> None:
    """Each text the file writes in French is given in every language it uses anywhere."""
    places: list[tuple[_Scope, Mapping[str, object], Sequence[str]]] = []
    header = document.get("protocol")
    if isinstance(header, dict):
        places.append((scope.nested("protocol."), header, PROTOCOL_TRANSLATED))
    steps = document.get("steps")
    for number, table in enumerate(steps if isinstance(steps, list) else [], start=1):
        if not isinstance(table, dict):
            continue
        step_scope = _Scope(scope.problems, number, _step_id_for_report(table))
        places.append((step_scope, table, STEP_TRANSLATED))
        options = table.get("options")
        questions = options.get("questions") if isinstance(options, dict) else None
        for position, question in enumerate(questions if isinstance(questions, list) else [], 1):
            if isinstance(question, dict):
                nested = step_scope.nested(f"options.questions[{position}].")
                places.append((nested, question, QUESTION_TRANSLATED))

    def given(table: Mapping[str, object]) -> dict[str, object]:
        translations = table.get("translations")
        return translations if isinstance(translations, dict) else {}

    languages = {
        language
        for _, table, _ in places
        for language in given(table)
        if LANGUAGE_PATTERN.match(language) and language != SOURCE_LANGUAGE
    }
    for place_scope, table, fields in places:
        texts = given(table)
        for language in sorted(languages):
            in_language = texts.get(language)
            in_language = in_language if isinstance(in_language, dict) else {}
            for field in fields:
                written = table.get(field)
                if isinstance(written, str) and written.strip() and field not in in_language:
                    place_scope.report(
                        f"translations.{language}.{field}",
                        MSG_MISSING_TRANSLATION,
                        language=language,
                    )


def _read_slug(scope: _Scope, table: Mapping[str, object], key: str) -> str | None:
    value = _read_str(scope, table, key)
    if value is None:
        return None
    if not SLUG_PATTERN.match(value):
        scope.report(key, MSG_BAD_SLUG, value=value)
        return None
    return value


def _read_int(
    scope: _Scope,
    table: Mapping[str, object],
    key: str,
    *,
    low: int,
    high: int | None = None,
    required: bool = True,
) -> int | None:
    """A whole number (not a boolean) in range; None when invalid or optional and absent."""
    value = _get(scope, table, key, required)
    if value is _MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        scope.report(key, MSG_NOT_INT, value=_show(value))
        return None
    if high is None and value < low:
        scope.report(key, MSG_TOO_SMALL, min=low, value=value)
        return None
    if high is not None and not low <= value <= high:
        scope.report(key, MSG_OUT_OF_RANGE, min=low, max=high, value=value)
        return None
    return value


def _read_bool(
    scope: _Scope, table: Mapping[str, object], key: str, *, default: bool
) -> bool | None:
    value = table.get(key, default)
    if not isinstance(value, bool):
        scope.report(key, MSG_NOT_BOOL, value=_show(value))
        return None
    return value


def _read_choice(
    scope: _Scope,
    table: Mapping[str, object],
    key: str,
    choices: type[E],
    *,
    msgid: str = MSG_UNKNOWN_VALUE,
    default: E | None = None,
    allowed: Sequence[str] | None = None,
) -> E | None:
    value = _get(scope, table, key, required=default is None)
    if value is _MISSING:
        return default
    if not isinstance(value, str):
        scope.report(key, MSG_NOT_STRING, value=_show(value))
        return None
    try:
        return choices(value.strip())
    except ValueError:
        scope.report(key, msgid, value=value.strip(), allowed=_allowed(allowed or choices))
        return None


def _read_kind(scope: _Scope, table: Mapping[str, object]) -> StepKind | str | None:
    """One of the model's kinds of step, or a kind a module of mag.domain.steps brings."""
    from mag.domain.steps import KINDS  # the step modules import the protocol model

    value = table.get("kind")
    if isinstance(value, str) and value.strip() in KINDS:
        return value.strip()
    allowed = [*(kind.value for kind in StepKind), *sorted(KINDS)]
    return _read_choice(scope, table, "kind", StepKind, msgid=MSG_UNKNOWN_KIND, allowed=allowed)


def _read_contributors(scope: _Scope, table: Mapping[str, object]) -> frozenset[Contributor] | None:
    key = "contributors"
    value = _get(scope, table, key, required=True)
    if value is _MISSING:
        return None
    if not isinstance(value, list):
        scope.report(key, MSG_NOT_LIST, example='["participants", "narrateur"]', value=_show(value))
        return None
    if not value:
        scope.report(key, MSG_NO_CONTRIBUTORS, allowed=_allowed(Contributor))
        return None
    contributors = set()
    valid = True
    for item in value:
        if not isinstance(item, str):
            scope.report(key, MSG_NOT_STRING, value=_show(item))
            valid = False
            continue
        try:
            contributors.add(Contributor(item.strip()))
        except ValueError:
            scope.report(
                key, MSG_UNKNOWN_CONTRIBUTOR, value=item.strip(), allowed=_allowed(Contributor)
            )
            valid = False
    return frozenset(contributors) if valid else None


# --------------------------------------------------------------------------------------------
# Kind-specific options

OptionsParser = Callable[[_Scope, Mapping[str, object]], "dict[str, object] | None"]

VOTE_OPTIONS = ("mode", "votes")
ROUND_OPTIONS = ("order", "narrator_last", "turn_minutes")
EVALUATION_OPTIONS = ("questions",)
QUESTION_TRANSLATED = ("text",)
QUESTION_FIELDS = ("id", "kind", "text", "min", "max", "translations")


def _parse_vote_options(scope: _Scope, raw: Mapping[str, object]) -> dict[str, object] | None:
    _check_keys(scope, raw, VOTE_OPTIONS)
    mode = _read_choice(scope, raw, "mode", VoteMode)
    if mode is None:
        _read_int(scope, raw, "votes", low=1, required=False)
        return None
    if mode is VoteMode.SINGLE:
        if "votes" in raw:
            scope.report("votes", MSG_VOTES_WITH_SINGLE)
            return None
        return {"mode": mode, "votes": 1}
    votes = _read_int(scope, raw, "votes", low=1)
    return None if votes is None else {"mode": mode, "votes": votes}


def _parse_round_options(scope: _Scope, raw: Mapping[str, object]) -> dict[str, object] | None:
    _check_keys(scope, raw, ROUND_OPTIONS)
    options = {
        "order": _read_choice(scope, raw, "order", RoundOrder, default=RoundOrder.JOIN),
        "narrator_last": _read_bool(scope, raw, "narrator_last", default=True),
        "turn_minutes": _read_int(
            scope, raw, "turn_minutes", low=TURN_MINUTES_RANGE[0], high=TURN_MINUTES_RANGE[1]
        ),
    }
    return None if None in options.values() else options


def _parse_scale_bounds(scope: _Scope, raw: Mapping[str, object]) -> tuple[int, int] | None:
    low = _read_int(scope, raw, "min", low=-1000, high=1000, required=False)
    high = _read_int(scope, raw, "max", low=-1000, high=1000, required=False)
    if low is None and "min" in raw or high is None and "max" in raw:
        return None
    low = SCALE_DEFAULT[0] if low is None else low
    high = SCALE_DEFAULT[1] if high is None else high
    if low >= high:
        scope.report("max" if "max" in raw else "min", MSG_SCALE_ORDER, min=low, max=high)
        return None
    if high - low + 1 > SCALE_MAX_POINTS:
        scope.report("max", MSG_SCALE_TOO_LONG, limit=SCALE_MAX_POINTS, min=low, max=high)
        return None
    return low, high


def _parse_question(scope: _Scope, raw: Mapping[str, object]) -> dict[str, object] | None:
    _check_keys(scope, raw, QUESTION_FIELDS)
    question: dict[str, object | None] = {
        "id": _read_slug(scope, raw, "id"),
        "kind": _read_choice(scope, raw, "kind", QuestionKind),
        "text": _read_str(scope, raw, "text"),
        "translations": _read_translations(scope, raw, QUESTION_TRANSLATED),
    }
    if question["kind"] is QuestionKind.SCALE:
        bounds = _parse_scale_bounds(scope, raw)
        question["min"], question["max"] = bounds if bounds else (None, None)
    elif question["kind"] is QuestionKind.OPEN:
        for key in ("min", "max"):
            if key in raw:
                scope.report(key, MSG_OPEN_HAS_BOUNDS)
                question[key] = None
    return None if None in question.values() else question


def _parse_evaluation_options(scope: _Scope, raw: Mapping[str, object]) -> dict[str, object] | None:
    _check_keys(scope, raw, EVALUATION_OPTIONS)
    value = _get(scope, raw, "questions", required=True)
    if value is _MISSING:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        scope.report("questions", MSG_QUESTIONS_NOT_TABLES, value=_show(value))
        return None
    parsed = [
        _parse_question(scope.nested(f"questions[{position}]."), item)
        for position, item in enumerate(value, start=1)
    ]
    duplicates = list(_duplicate_ids(value))
    for position, question_id, first in duplicates:
        scope.nested(f"questions[{position}].").report(
            "id", MSG_DUPLICATE_QUESTION, value=question_id, other=first
        )
    if duplicates or None in parsed:
        return None
    kinds = {question["kind"] for question in parsed if question is not None}
    if QuestionKind.SCALE not in kinds:
        scope.report("questions", MSG_NEEDS_SCALE_QUESTION)
    if QuestionKind.OPEN not in kinds:
        scope.report("questions", MSG_NEEDS_OPEN_QUESTION)
    if kinds != set(QuestionKind):
        return None
    return {"questions": tuple(MappingProxyType(q) for q in parsed if q is not None)}


OPTION_PARSERS: Mapping[StepKind, OptionsParser] = MappingProxyType(
    {
        StepKind.VOTE: _parse_vote_options,
        StepKind.ROUND: _parse_round_options,
        StepKind.EVALUATION: _parse_evaluation_options,
    }
)


def _parse_options(
    scope: _Scope, table: Mapping[str, object], kind: StepKind | None
) -> Mapping[str, object] | None:
    raw = table.get("options", {})
    if not isinstance(raw, dict):
        scope.report("options", MSG_NOT_TABLE, value=_show(raw))
        return None
    if kind is None:
        return None  # the kind is wrong: its options cannot be checked yet
    parser = OPTION_PARSERS.get(kind)
    if parser is None:
        if raw:
            scope.report("options", MSG_NO_OPTIONS, kind=kind)
            return None
        return MappingProxyType({})
    options = parser(scope.nested("options."), raw)
    return None if options is None else MappingProxyType(options)


# --------------------------------------------------------------------------------------------
# Protocol table and steps

PROTOCOL_TRANSLATED = ("title", "description")
PROTOCOL_FIELDS = ("name", "title", "description", "translations")
STEP_TRANSLATED = ("phase", "title", "instructions")
STEP_FIELDS = (
    "id",
    "number",
    "phase",
    "title",
    "kind",
    "contributors",
    "visibility",
    "duration_minutes",
    "instructions",
    "per_recit",
    "options",
    "translations",
)
TOP_LEVEL_KEYS = ("protocol", "steps")


def _parse_header(scope: _Scope, document: Mapping[str, object]) -> dict[str, str] | None:
    table = document.get("protocol", _MISSING)
    if table is _MISSING:
        scope.report("protocol", MSG_MISSING_PROTOCOL)
        return None
    if not isinstance(table, dict):
        scope.report("protocol", MSG_NOT_TABLE, value=_show(table))
        return None
    scope = scope.nested("protocol.")
    _check_keys(scope, table, PROTOCOL_FIELDS)
    header = {
        "name": _read_slug(scope, table, "name"),
        "title": _read_str(scope, table, "title"),
        "description": _read_str(scope, table, "description", required=False),
        "translations": _read_translations(scope, table, PROTOCOL_TRANSLATED),
    }
    return None if None in header.values() else header


def _step_id_for_report(table: Mapping[str, object]) -> str | None:
    """The table's id as written (stripped), even malformed, to tell the facilitator where."""
    value = table.get("id")
    return value.strip() or None if isinstance(value, str) else None


def _duplicate_ids(tables: Sequence[Mapping[str, object]]) -> Iterator[tuple[int, str, int]]:
    """(1-based position, id, position of the first use) for each reused well-formed id."""
    seen: dict[str, int] = {}
    for position, table in enumerate(tables, start=1):
        table_id = _step_id_for_report(table)
        if table_id is None or not SLUG_PATTERN.match(table_id):
            continue
        if table_id in seen:
            yield position, table_id, seen[table_id]
        else:
            seen[table_id] = position


def _parse_step(scope: _Scope, table: Mapping[str, object]) -> Step | None:
    _check_keys(scope, table, STEP_FIELDS)
    values = {
        "id": _read_slug(scope, table, "id"),
        "number": _read_str(scope, table, "number"),
        "phase": _read_str(scope, table, "phase"),
        "title": _read_str(scope, table, "title"),
        "kind": _read_kind(scope, table),
        "contributors": _read_contributors(scope, table),
        "visibility": _read_choice(
            scope,
            table,
            "visibility",
            Visibility,
            msgid=MSG_UNKNOWN_VISIBILITY,
            default=Visibility.OPEN,
        ),
        "duration_minutes": _read_int(
            scope, table, "duration_minutes", low=DURATION_RANGE[0], high=DURATION_RANGE[1]
        ),
        "instructions": _read_str(scope, table, "instructions"),
        "per_recit": _read_bool(scope, table, "per_recit", default=False),
        "translations": _read_translations(scope, table, STEP_TRANSLATED),
    }
    values["options"] = _parse_options(scope, table, values["kind"])  # type: ignore[arg-type]
    if None in values.values():
        return None
    return Step(**values)  # type: ignore[arg-type]


def _check_ids(scope: _Scope, tables: Sequence[Mapping[str, object]]) -> None:
    for number, step_id, first in _duplicate_ids(tables):
        step_scope = _Scope(scope.problems, number, step_id)
        step_scope.report("id", MSG_DUPLICATE_ID, value=step_id, other=first)


def _check_first_step(scope: _Scope, first: Mapping[str, object]) -> None:
    kind = first.get("kind")
    if not isinstance(kind, str) or kind.strip() not in set(StepKind):
        return  # missing or unknown kind: already reported by _parse_step
    if kind.strip() != StepKind.AGREEMENT:
        step_scope = _Scope(scope.problems, 1, _step_id_for_report(first))
        step_scope.report("kind", MSG_FIRST_NOT_AGREEMENT, value=kind.strip())


def _check_recit_block(scope: _Scope, tables: Sequence[Mapping[str, object]]) -> None:
    last_repeated: int | None = None
    for number, table in enumerate(tables, start=1):
        if table.get("per_recit") is not True:
            continue
        if last_repeated is not None and last_repeated != number - 1:
            step_scope = _Scope(scope.problems, number, _step_id_for_report(table))
            step_scope.report("per_recit", MSG_RECIT_BLOCK_SPLIT, gap=last_repeated + 1)
        last_repeated = number


def _parse_steps(scope: _Scope, document: Mapping[str, object]) -> list[Step] | None:
    raw = document.get("steps", _MISSING)
    if raw is _MISSING or raw == []:
        scope.report("steps", MSG_NO_STEPS)
        return None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        scope.report("steps", MSG_STEPS_NOT_TABLES, value=_show(raw))
        return None
    steps = []
    for number, table in enumerate(raw, start=1):
        step_scope = _Scope(scope.problems, number, _step_id_for_report(table))
        step = _parse_step(step_scope, table)
        if step is not None:
            steps.append(step)
    _check_ids(scope, raw)
    _check_first_step(scope, raw[0])
    _check_recit_block(scope, raw)
    return steps


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    message = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
    else:  # "(at end of document)"
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    detail = re.sub(r"\s*\(at [^)]*\)$", "", message)
    params = {"line": line, "column": column, "detail": detail}
    return Problem(None, None, None, MSG_TOML_SYNTAX, params)


def _sort_key(problem: Problem) -> tuple[int, int]:
    return (0 if problem.step_number is None else 1, problem.step_number or 0)


def parse_protocol(text: str, source: str = "<texte>") -> Protocol:
    """Parse and validate a protocol written in TOML.

    Raises :class:`ProtocolInvalid` listing every problem found (``source`` names the file in
    the error message).
    """
    try:
        document = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise ProtocolInvalid([_syntax_problem(error, text)], source) from None
    problems: list[Problem] = []
    scope = _Scope(problems)
    _check_keys(scope, document, TOP_LEVEL_KEYS)
    header = _parse_header(scope, document)
    steps = _parse_steps(scope, document)
    _check_translations(scope, document)
    if problems or header is None or steps is None:
        raise ProtocolInvalid(sorted(problems, key=_sort_key), source)
    return Protocol(steps=tuple(steps), source=text, **header)


def load_protocol(path: str | PathLike[str]) -> Protocol:
    """Read a protocol file (UTF-8, with or without BOM) and validate it like parse_protocol."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        detail = error.strerror or str(error)
        raise ProtocolInvalid(
            [Problem(None, None, None, MSG_UNREADABLE, {"detail": detail})], source
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProtocolInvalid(
            [Problem(None, None, None, MSG_NOT_UTF8, {"position": error.start})], source
        ) from None
    return parse_protocol(text, source)


# --------------------------------------------------------------------------------------------
# Built-in protocols

BUILTIN_DIRECTORY = Path(__file__).resolve().parents[2] / "protocols"


@functools.cache
def _builtin_protocols() -> Mapping[str, Protocol]:
    protocols = [load_protocol(path) for path in BUILTIN_DIRECTORY.glob("*.toml")]
    return MappingProxyType({protocol.name: protocol for protocol in sorted(protocols, key=_name)})


def _name(protocol: Protocol) -> str:
    return protocol.name


def builtin_protocols() -> dict[str, Protocol]:
    """The protocols shipped in mag/protocols, by name, sorted; files are read once."""
    return dict(_builtin_protocols())


def builtin_protocol(name: str) -> Protocol:
    """The built-in protocol called ``name``."""
    try:
        return _builtin_protocols()[name]
    except KeyError:
        raise DomainError(
            "unknown_protocol", N_("Protocole inconnu : « %(name)s »."), name=name
        ) from None
