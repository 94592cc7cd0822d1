"""Protocols as data: the built-in protocols, and precise problems for broken files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mag.domain.i18n import DomainError
from mag.domain.protocol import (
    Contributor,
    Problem,
    ProtocolInvalid,
    StepKind,
    Visibility,
    builtin_protocol,
    builtin_protocols,
    load_protocol,
    parse_protocol,
)
from mag.domain.protocol import reader as p

# --------------------------------------------------------------------------------------------
# Building small protocol files

HEADER = {"name": "essai", "title": "Protocole d'essai", "description": "Pour les tests."}


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + " }"
    return str(value)


def _table(header: str, fields: dict[str, object]) -> str:
    lines = [header] + [f"{key} = {_toml(value)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def step(step_id: str, kind: str = "discussion", **fields: object) -> dict[str, object]:
    """A valid step; pass a field to change it, or ``field=DROP`` to leave it out."""
    values: dict[str, object] = {
        "id": step_id,
        "number": "1",
        "phase": "Phase",
        "title": f"Étape {step_id}",
        "kind": kind,
        "contributors": ["participants"],
        "duration_minutes": 10,
        "instructions": "Faites ceci. Puis cela.",
    }
    values.update(fields)
    return {key: value for key, value in values.items() if value is not DROP}


DROP = object()
CONVENTION = step("convention", "agreement")


def protocol_text(*steps: dict[str, object], header: dict[str, object] | None = None) -> str:
    """A protocol file whose first step is the convention, followed by ``steps``."""
    parts = [_table("[protocol]", HEADER if header is None else header)]
    parts += [_table("[[steps]]", fields) for fields in (CONVENTION, *steps)]
    return "\n".join(parts)


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(text)
    assert caught.value.code == "protocol_invalid"
    return list(caught.value.problems)


def located(problems: list[Problem]) -> list[tuple[int | None, str | None, str | None, str]]:
    return [
        (problem.step_number, problem.step_id, problem.field, problem.msgid) for problem in problems
    ]


ROUND = {"turn_minutes": 3}
VOTE = {"mode": "multiple", "votes": 2}
SCALE = {"id": "methode", "kind": "scale", "text": "La méthode ?"}
OPEN = {"id": "utile", "kind": "open", "text": "Qu'est-ce qui vous a été utile ?"}


# --------------------------------------------------------------------------------------------
# Built-in protocols

MAG_MD_TABLE = [
    ("0.1", "Ouverture", "Convention de travail"),
    ("0.2", "Ouverture", "Tour de présentation"),
    ("1.1", "Les récits", "Propositions de récits"),
    ("1.2", "Les récits", "Choix du récit"),
    ("1.3", "Les récits", "Narration"),
    ("1.4", "Les récits", "Enjeux"),
    ("2.1", "Les interprétations", "Questions d'information"),
    ("2.2", "Les interprétations", "Premier tour de table des interprétations"),
    ("2.3", "Les interprétations", "Réactions du narrateur"),
    ("2.4", "Les interprétations", "Deuxième tour de table"),
    ("3.1", "L'analyse", "Convergences, divergences, nœuds"),
    ("3.2", "L'analyse", "Apports théoriques"),
    ("3.3", "L'analyse", "Nouvelles problématiques, hypothèses"),
    ("4", "Perspectives pratiques", "Perspectives pratiques"),
    ("5", "Évaluation", "Évaluation"),
]

# MAG.md's "typical time" column, in minutes.
MAG_MD_DURATIONS = {
    "0.1": (20, 20),
    "0.2": (15, 15),
    "1.1": (30, 45),
    "1.2": (15, 30),
    "1.3": (15, 30),
    "1.4": (5, 10),
    "2.1": (20, 40),
    "2.2": (45, 90),
    "2.3": (10, 15),
    "2.4": (45, 60),
    "3.1": (60, 120),
    "3.2": (30, 60),
    "3.3": (30, 60),
    "4": (60, 120),
    "5": (30, 30),
}


def test_builtin_protocols_are_listed_by_name_and_sorted():
    protocols = builtin_protocols()
    assert list(protocols) == ["mag-complet", "mag-court"]
    assert all(name == protocol.name for name, protocol in protocols.items())


def test_builtin_protocols_are_loaded_once():
    assert builtin_protocol("mag-complet") is builtin_protocol("mag-complet")
    builtin_protocols().clear()  # the caller's copy, not the cache
    assert "mag-court" in builtin_protocols()


def test_unknown_builtin_protocol_is_a_domain_error():
    with pytest.raises(DomainError) as caught:
        builtin_protocol("mag-tres-long")
    assert caught.value.code == "unknown_protocol"
    assert caught.value.params == {"name": "mag-tres-long"}
    assert "mag-tres-long" in str(caught.value)


def test_mag_complet_follows_the_canonical_table_in_order():
    complet = builtin_protocol("mag-complet")
    assert [(s.number, s.phase, s.title) for s in complet.steps] == MAG_MD_TABLE
    assert complet.title and complet.description


def test_mag_complet_kinds():
    kinds = [step.kind for step in builtin_protocol("mag-complet")]
    assert kinds == [
        StepKind.AGREEMENT,
        StepKind.ROUND,
        StepKind.PROPOSALS,
        StepKind.VOTE,
        StepKind.NARRATION,
        StepKind.STAKES,
        StepKind.QUESTIONS,
        StepKind.ROUND,
        StepKind.REACTIONS,
        StepKind.ROUND,
        StepKind.ANALYSIS,
        StepKind.THEORY,
        StepKind.HYPOTHESES,
        StepKind.PERSPECTIVES,
        StepKind.EVALUATION,
    ]


def test_mag_complet_repeats_exactly_steps_1_3_to_3_3_for_each_recit():
    complet = builtin_protocol("mag-complet")
    repeated = [step.number for step in complet if step.per_recit]
    assert repeated == ["1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
    assert complet.recit_block == range(
        complet.index_of("narration"), complet.index_of("hypotheses") + 1
    )


def test_mag_complet_durations_stay_in_the_typical_ranges():
    for step in builtin_protocol("mag-complet"):
        low, high = MAG_MD_DURATIONS[step.number]
        assert low <= step.duration_minutes <= high, step.number


def test_mag_complet_hides_only_the_first_round_of_interpretations_among_rounds():
    complet = builtin_protocol("mag-complet")
    first_round = complet.step(complet.index_of("premier-tour"))
    second_round = complet.step(complet.index_of("deuxieme-tour"))
    assert first_round.visibility is Visibility.HIDDEN and first_round.is_hidden
    assert second_round.visibility is Visibility.OPEN


def test_mag_complet_who_speaks():
    complet = builtin_protocol("mag-complet")
    by_number = {step.number: step for step in complet}
    assert by_number["1.3"].contributors == {Contributor.NARRATEUR}
    assert by_number["2.3"].contributors == {Contributor.NARRATEUR}
    assert Contributor.PARTICIPANTS in by_number["0.1"].contributors
    for number in ("2.2", "2.4"):
        assert {Contributor.PARTICIPANTS, Contributor.NARRATEUR} <= by_number[number].contributors
        assert by_number[number].options["narrator_last"] is True


def test_mag_complet_vote_and_round_options():
    complet = builtin_protocol("mag-complet")
    by_id = {step.id: step for step in complet}
    assert dict(by_id["choix"].options) == {"mode": "multiple", "votes": 2}
    assert 1 <= by_id["presentation"].options["turn_minutes"] <= 3
    assert by_id["presentation"].options["narrator_last"] is False  # no narrator chosen yet
    assert by_id["premier-tour"].options["turn_minutes"] == 5


def test_mag_complet_evaluation_asks_about_the_method_the_facilitation_and_openly():
    evaluation = builtin_protocol("mag-complet").steps[-1]
    questions = {question["id"]: question for question in evaluation.options["questions"]}
    assert questions["methode"]["kind"] == "scale"
    assert (questions["methode"]["min"], questions["methode"]["max"]) == (1, 5)
    assert questions["animation"]["kind"] == "scale"
    open_texts = [q["text"] for q in questions.values() if q["kind"] == "open"]
    assert "Qu'est-ce qui vous a été utile ?" in open_texts
    assert "Qu'est-ce qui serait à améliorer ?" in open_texts


def test_mag_court_is_a_half_day_with_one_hidden_round():
    court = builtin_protocol("mag-court")
    assert [step.kind for step in court] == [
        StepKind.AGREEMENT,
        StepKind.ROUND,
        StepKind.PROPOSALS,
        StepKind.VOTE,
        StepKind.NARRATION,
        StepKind.STAKES,
        StepKind.QUESTIONS,
        StepKind.ROUND,
        StepKind.REACTIONS,
        StepKind.ANALYSIS,
        StepKind.PERSPECTIVES,
        StepKind.EVALUATION,
    ]
    assert court.total_minutes() <= 270
    interpretation_round = court.steps[7]
    assert interpretation_round.is_hidden
    assert court.step(court.index_of("choix")).options["mode"] == "single"


@pytest.mark.parametrize("name", ["mag-complet", "mag-court"])
def test_builtin_protocols_speak_plainly_to_everyone(name):
    for step in builtin_protocol(name):
        assert 80 <= len(step.instructions) <= 700, step.id
        assert step.instructions[-1] in ".?!", step.id
        assert "  " not in step.instructions and "\n" not in step.instructions, step.id
        json.dumps(step.plain_options())  # options can be sent to a browser as they are


def test_protocol_navigation():
    court = builtin_protocol("mag-court")
    assert len(court) == 12
    assert court.step(0).id == "convention"
    assert court.index_of("evaluation") == 11
    with pytest.raises(DomainError) as caught:
        court.step(-1)
    assert caught.value.code == "unknown_step"
    with pytest.raises(DomainError) as caught:
        court.step(12)
    assert caught.value.code == "unknown_step"
    with pytest.raises(DomainError) as caught:
        court.index_of("sieste")
    assert caught.value.code == "unknown_step"


def test_total_minutes_counts_repeated_steps_once_per_recit():
    complet = builtin_protocol("mag-complet")
    repeated = sum(step.duration_minutes for step in complet if step.per_recit)
    assert complet.total_minutes(recits=2) == complet.total_minutes() + repeated


def test_options_cannot_be_changed():
    vote = builtin_protocol("mag-complet").step(3)
    with pytest.raises(TypeError):
        vote.options["votes"] = 10  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# Valid files


def test_a_small_valid_file_loads_with_stripped_strings_and_defaults():
    protocol = parse_protocol(
        protocol_text(
            step("tour", "round", title="  Tour de table  ", options=ROUND),
            step("vote", "vote", options={"mode": "single"}),
            step("eval", "evaluation", options={"questions": [SCALE, OPEN]}),
        )
    )
    assert protocol.name == "essai"
    assert [step.id for step in protocol] == ["convention", "tour", "vote", "eval"]
    tour, vote, evaluation = protocol.steps[1:]
    assert tour.title == "Tour de table"
    assert tour.visibility is Visibility.OPEN and tour.per_recit is False
    assert dict(tour.options) == {"order": "join", "narrator_last": True, "turn_minutes": 3}
    assert dict(vote.options) == {"mode": "single", "votes": 1}
    scale, open_question = evaluation.options["questions"]
    assert (scale["min"], scale["max"]) == (1, 5)
    assert "min" not in open_question


def test_description_is_optional():
    header = {"name": "essai", "title": "Essai"}
    assert parse_protocol(protocol_text(header=header)).description == ""


# --------------------------------------------------------------------------------------------
# Broken files: every kind of mistake is located by step, id and field

CASES = {
    "missing required field": (
        protocol_text(step("choix", title=DROP)),
        (2, "choix", "title", p.MSG_MISSING_FIELD),
    ),
    "text instead of a number": (
        protocol_text(step("choix", duration_minutes="20")),
        (2, "choix", "duration_minutes", p.MSG_NOT_INT),
    ),
    "a boolean is not a number": (
        protocol_text(step("choix", duration_minutes=True)),
        (2, "choix", "duration_minutes", p.MSG_NOT_INT),
    ),
    "a decimal is not a whole number": (
        protocol_text(step("choix", duration_minutes=20.5)),
        (2, "choix", "duration_minutes", p.MSG_NOT_INT),
    ),
    "a number instead of text": (
        protocol_text(step("choix", number=1.2)),
        (2, "choix", "number", p.MSG_NOT_STRING),
    ),
    "typo in a field name": (
        protocol_text(step("choix", duration_minutes=DROP, duration_minute=10)),
        (2, "choix", "duration_minute", p.MSG_UNKNOWN_FIELD_SUGGEST),
    ),
    "unknown field": (
        protocol_text(step("choix", couleur="rouge")),
        (2, "choix", "couleur", p.MSG_UNKNOWN_FIELD),
    ),
    "unknown kind": (
        protocol_text(step("choix", "vot")),
        (2, "choix", "kind", p.MSG_UNKNOWN_KIND),
    ),
    "unknown contributor": (
        protocol_text(step("choix", contributors=["participant"])),
        (2, "choix", "contributors", p.MSG_UNKNOWN_CONTRIBUTOR),
    ),
    "contributors not a list": (
        protocol_text(step("choix", contributors="participants")),
        (2, "choix", "contributors", p.MSG_NOT_LIST),
    ),
    "empty contributors": (
        protocol_text(step("choix", contributors=[])),
        (2, "choix", "contributors", p.MSG_NO_CONTRIBUTORS),
    ),
    "unknown visibility": (
        protocol_text(step("choix", visibility="secret")),
        (2, "choix", "visibility", p.MSG_UNKNOWN_VISIBILITY),
    ),
    "duplicate id": (
        protocol_text(step("choix"), step("choix")),
        (3, "choix", "id", p.MSG_DUPLICATE_ID),
    ),
    "malformed id": (
        protocol_text(step("Choix du récit")),
        (2, "Choix du récit", "id", p.MSG_BAD_SLUG),
    ),
    "duration too short": (
        protocol_text(step("choix", duration_minutes=0)),
        (2, "choix", "duration_minutes", p.MSG_OUT_OF_RANGE),
    ),
    "duration too long": (
        protocol_text(step("choix", duration_minutes=601)),
        (2, "choix", "duration_minutes", p.MSG_OUT_OF_RANGE),
    ),
    "blank title": (
        protocol_text(step("choix", title="   ")),
        (2, "choix", "title", p.MSG_EMPTY),
    ),
    "empty instructions": (
        protocol_text(step("choix", instructions="")),
        (2, "choix", "instructions", p.MSG_EMPTY),
    ),
    "per_recit not a boolean": (
        protocol_text(step("choix", per_recit="oui")),
        (2, "choix", "per_recit", p.MSG_NOT_BOOL),
    ),
    "repeated steps split in two": (
        protocol_text(step("a", per_recit=True), step("b"), step("c", per_recit=True)),
        (4, "c", "per_recit", p.MSG_RECIT_BLOCK_SPLIT),
    ),
    "options on a kind without options": (
        protocol_text(step("choix", options={"mode": "single"})),
        (2, "choix", "options", p.MSG_NO_OPTIONS),
    ),
    "options not a table": (
        protocol_text(step("choix", "vote", options="single")),
        (2, "choix", "options", p.MSG_NOT_TABLE),
    ),
    "vote without mode": (
        protocol_text(step("choix", "vote")),
        (2, "choix", "options.mode", p.MSG_MISSING_FIELD),
    ),
    "unknown vote mode": (
        protocol_text(step("choix", "vote", options={"mode": "plusieurs", "votes": 2})),
        (2, "choix", "options.mode", p.MSG_UNKNOWN_VALUE),
    ),
    "multiple vote without a number of votes": (
        protocol_text(step("choix", "vote", options={"mode": "multiple"})),
        (2, "choix", "options.votes", p.MSG_MISSING_FIELD),
    ),
    "ranking with zero votes": (
        protocol_text(step("choix", "vote", options={"mode": "ranking", "votes": 0})),
        (2, "choix", "options.votes", p.MSG_TOO_SMALL),
    ),
    "single vote with several votes": (
        protocol_text(step("choix", "vote", options={"mode": "single", "votes": 2})),
        (2, "choix", "options.votes", p.MSG_VOTES_WITH_SINGLE),
    ),
    "typo in an option": (
        protocol_text(step("choix", "vote", options={"mode": "multiple", "vote": 2})),
        (2, "choix", "options.vote", p.MSG_UNKNOWN_FIELD_SUGGEST),
    ),
    "round without turn time": (
        protocol_text(step("tour", "round")),
        (2, "tour", "options.turn_minutes", p.MSG_MISSING_FIELD),
    ),
    "round turn too long": (
        protocol_text(step("tour", "round", options={"turn_minutes": 61})),
        (2, "tour", "options.turn_minutes", p.MSG_OUT_OF_RANGE),
    ),
    "unknown round order": (
        protocol_text(step("tour", "round", options={"order": "random", "turn_minutes": 3})),
        (2, "tour", "options.order", p.MSG_UNKNOWN_VALUE),
    ),
    "narrator_last not a boolean": (
        protocol_text(step("tour", "round", options={"narrator_last": "oui", "turn_minutes": 3})),
        (2, "tour", "options.narrator_last", p.MSG_NOT_BOOL),
    ),
    "evaluation without questions": (
        protocol_text(step("eval", "evaluation")),
        (2, "eval", "options.questions", p.MSG_MISSING_FIELD),
    ),
    "questions not tables": (
        protocol_text(step("eval", "evaluation", options={"questions": ["Utile ?"]})),
        (2, "eval", "options.questions", p.MSG_QUESTIONS_NOT_TABLES),
    ),
    "evaluation without an open question": (
        protocol_text(step("eval", "evaluation", options={"questions": [SCALE]})),
        (2, "eval", "options.questions", p.MSG_NEEDS_OPEN_QUESTION),
    ),
    "evaluation without a scale": (
        protocol_text(step("eval", "evaluation", options={"questions": [OPEN]})),
        (2, "eval", "options.questions", p.MSG_NEEDS_SCALE_QUESTION),
    ),
    "scale upside down": (
        protocol_text(
            step("eval", "evaluation", options={"questions": [{**SCALE, "min": 5, "max": 1}, OPEN]})
        ),
        (2, "eval", "options.questions[1].max", p.MSG_SCALE_ORDER),
    ),
    "scale too long": (
        protocol_text(
            step(
                "eval", "evaluation", options={"questions": [{**SCALE, "min": 0, "max": 20}, OPEN]}
            )
        ),
        (2, "eval", "options.questions[1].max", p.MSG_SCALE_TOO_LONG),
    ),
    "scale bound as text": (
        protocol_text(
            step("eval", "evaluation", options={"questions": [{**SCALE, "min": "1"}, OPEN]})
        ),
        (2, "eval", "options.questions[1].min", p.MSG_NOT_INT),
    ),
    "open question with bounds": (
        protocol_text(
            step("eval", "evaluation", options={"questions": [SCALE, {**OPEN, "max": 5}]})
        ),
        (2, "eval", "options.questions[2].max", p.MSG_OPEN_HAS_BOUNDS),
    ),
    "unknown question kind": (
        protocol_text(
            step("eval", "evaluation", options={"questions": [SCALE, {**OPEN, "kind": "texte"}]})
        ),
        (2, "eval", "options.questions[2].kind", p.MSG_UNKNOWN_VALUE),
    ),
    "duplicate question id": (
        protocol_text(
            step("eval", "evaluation", options={"questions": [SCALE, {**OPEN, "id": "methode"}]})
        ),
        (2, "eval", "options.questions[2].id", p.MSG_DUPLICATE_QUESTION),
    ),
    "first step is not the convention": (
        "\n".join(
            [
                _table("[protocol]", HEADER),
                _table("[[steps]]", step("tour", "round", options=ROUND)),
            ]
        ),
        (1, "tour", "kind", p.MSG_FIRST_NOT_AGREEMENT),
    ),
    "no [protocol] table": (
        _table("[[steps]]", CONVENTION),
        (None, None, "protocol", p.MSG_MISSING_PROTOCOL),
    ),
    "malformed protocol name": (
        protocol_text(header={**HEADER, "name": "Mon protocole"}),
        (None, None, "protocol.name", p.MSG_BAD_SLUG),
    ),
    "protocol without title": (
        protocol_text(header={"name": "essai"}),
        (None, None, "protocol.title", p.MSG_MISSING_FIELD),
    ),
    "typo in the protocol table": (
        protocol_text(header={**HEADER, "titel": "Essai"}),
        (None, None, "protocol.titel", p.MSG_UNKNOWN_FIELD_SUGGEST),
    ),
    "no steps": (
        _table("[protocol]", HEADER),
        (None, None, "steps", p.MSG_NO_STEPS),
    ),
    "empty list of steps": (
        _table("[protocol]", HEADER) + "steps = []\n",
        (None, None, "steps", p.MSG_NO_STEPS),
    ),
    "steps written as a value": (
        'steps = "convention"\n' + _table("[protocol]", HEADER),
        (None, None, "steps", p.MSG_STEPS_NOT_TABLES),
    ),
    "[[step]] instead of [[steps]]": (
        _table("[protocol]", HEADER) + _table("[[step]]", CONVENTION),
        (None, None, "step", p.MSG_UNKNOWN_FIELD_SUGGEST),
    ),
    "French given as a translation": (
        protocol_text(step("choix", translations={"fr": {"title": "Choix"}})),
        (2, "choix", "translations.fr", p.MSG_SOURCE_TRANSLATED),
    ),
    "a language code in capitals": (
        protocol_text(step("choix", translations={"NL": {"title": "Keuze"}})),
        (2, "choix", "translations.NL", p.MSG_BAD_LANGUAGE),
    ),
    "a text given in Dutch elsewhere, not here": (
        protocol_text(step("choix", translations={"nl": {"phase": "Fase", "title": "Keuze"}})),
        (2, "choix", "translations.nl.instructions", p.MSG_MISSING_TRANSLATION),
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_each_mistake_is_reported_where_it_is(text, expected):
    assert expected in located(problems_of(text))


def test_every_problem_message_is_exercised_or_file_level():
    file_level = {p.MSG_TOML_SYNTAX, p.MSG_UNREADABLE, p.MSG_NOT_UTF8}
    exercised = {expected[3] for _, expected in CASES.values()}
    assert set(p.PROBLEM_MSGIDS) - file_level == exercised


def test_problem_messages_only_use_named_placeholders():
    for msgid in p.PROBLEM_MSGIDS:
        assert "%" not in re.sub(r"%\(\w+\)s", "", msgid), msgid


def test_a_typo_suggests_the_right_field_and_lists_the_others():
    problems = problems_of(protocol_text(step("choix", duration_minutes=DROP, duration_minute=10)))
    typo = next(problem for problem in problems if problem.field == "duration_minute")
    assert typo.params["suggestion"] == "duration_minutes"
    assert "instructions" in str(typo.params["allowed"])
    # the real field is then missing, and said so
    assert (2, "choix", "duration_minutes", p.MSG_MISSING_FIELD) in located(problems)


def test_unknown_values_list_the_allowed_ones():
    [problem] = problems_of(protocol_text(step("choix", "vot")))
    assert problem.params["value"] == "vot"
    assert "vote" in str(problem.params["allowed"]).split(", ")


def test_a_file_with_several_mistakes_reports_all_of_them_in_file_order():
    text = protocol_text(
        step("ok"),
        step("choix", "vot", duration_minutes="20"),
        step("tour", "round", contributors=[], options={"turn_minutes": 90}),
        header={**HEADER, "name": "Mon protocole"},
    )
    assert located(problems_of(text)) == [
        (None, None, "protocol.name", p.MSG_BAD_SLUG),
        (3, "choix", "kind", p.MSG_UNKNOWN_KIND),
        (3, "choix", "duration_minutes", p.MSG_NOT_INT),
        (4, "tour", "contributors", p.MSG_NO_CONTRIBUTORS),
        (4, "tour", "options.turn_minutes", p.MSG_OUT_OF_RANGE),
    ]


def test_a_toml_syntax_error_gives_the_line():
    text = '[protocol]\nname = "essai"\ntitle = "Essai"\nduration = 20 minutes\n'
    [problem] = problems_of(text)
    assert problem.msgid == p.MSG_TOML_SYNTAX
    assert problem.params["line"] == 4
    assert "ligne 4" in problem.format()


def test_a_toml_error_at_the_end_of_the_file_gives_the_last_line():
    [problem] = problems_of('[protocol]\nname = "essai"\ntitle = "Essai\n')
    assert problem.params["line"] == 3


def test_format_names_the_step_its_id_and_the_field():
    [problem] = problems_of(protocol_text(step("ok"), step("choix", "vot")))
    assert problem.format().startswith(
        "étape 3 (« choix »), champ « kind » : type d'étape inconnu « vot ». "
        "Types possibles : agreement, round, "
    )


def test_format_without_a_step_or_field_is_a_sentence():
    [problem] = problems_of('[protocol]\nname = "essai"\ntitle = "Essai\n')
    assert problem.format().startswith("Le fichier n'est pas du TOML valide (ligne 3")


def test_format_translates_every_part():
    english = {
        p.LOCATION_STEP_WITH_ID: "step %(number)s (“%(id)s”)",
        p.LOCATION_FIELD: "field “%(field)s”",
        p.LOCATED_MESSAGE: "%(location)s: %(message)s",
        p.MSG_EMPTY: "must not be empty.",
    }
    [problem] = problems_of(protocol_text(step("choix", title="")))
    assert problem.format(lambda msgid: english.get(msgid, msgid)) == (
        "step 2 (“choix”), field “title”: must not be empty."
    )


def test_protocol_invalid_lists_every_problem_in_its_message():
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(
            protocol_text(step("a", title=""), step("b", kind="vot")), "mon-fichier.toml"
        )
    message = str(caught.value)
    assert "mon-fichier.toml" in message
    assert "étape 2 (« a »)" in message and "étape 3 (« b »)" in message
    assert caught.value.params["count"] == 2


# --------------------------------------------------------------------------------------------
# Reading files


def test_load_protocol_reads_utf8_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "essai.toml"
    path.write_bytes(b"\xef\xbb\xbf" + protocol_text().encode())
    assert load_protocol(path).name == "essai"


def test_load_protocol_refuses_other_encodings(tmp_path):
    path = tmp_path / "essai.toml"
    path.write_bytes(protocol_text(step("récit")).encode("latin-1"))
    with pytest.raises(ProtocolInvalid) as caught:
        load_protocol(path)
    assert [problem.msgid for problem in caught.value.problems] == [p.MSG_NOT_UTF8]


def test_load_protocol_reports_a_missing_file(tmp_path):
    path = tmp_path / "absent.toml"
    with pytest.raises(ProtocolInvalid) as caught:
        load_protocol(path)
    assert [problem.msgid for problem in caught.value.problems] == [p.MSG_UNREADABLE]
    assert str(path) in str(caught.value)


def test_the_example_in_the_documentation_is_valid():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol-files.md").read_text("utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, flags=re.DOTALL)
    [example] = [block for block in blocks if block.startswith("[protocol]")]
    protocol = parse_protocol(example)
    assert protocol.name == "mag-essai"
    assert protocol.recit_block == range(1, 4)


def test_the_documented_check_output_is_what_the_check_prints():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol-files.md").read_text("utf-8")
    text = protocol_text(
        step("ok"),
        step("choix", "vot", duration_minutes=DROP, duration_minute=10),
        step("ok2"),
        step("tour", "round", options={"turn_minutes": 90}),
    )
    for problem in problems_of(text):
        assert problem.format() in doc


# --------------------------------------------------------------------------------------------
# Texts in several languages


def translated_step(step_id: str, **languages: dict[str, str]) -> dict[str, object]:
    return step(step_id, translations=languages)


DUTCH_HEADER = {
    **HEADER,
    "translations": {"nl": {"title": "Proef", "description": "Voor de tests."}},
}
DUTCH_CONVENTION_TEXTS = {"phase": "Fase", "title": "Werkafspraken", "instructions": "Lees ze."}


def test_a_protocol_gives_its_texts_in_several_languages_french_first():
    text = protocol_text(
        translated_step("debat", nl={"phase": "Fase", "title": "Debat", "instructions": "Praat."}),
        header=DUTCH_HEADER,
    )
    text = text.replace(
        'instructions = "Faites ceci. Puis cela."\n',
        'instructions = "Faites ceci. Puis cela."\n'
        f"translations = {_toml({'nl': DUTCH_CONVENTION_TEXTS})}\n",
        1,
    )
    protocol = parse_protocol(text)
    assert protocol.languages == ("fr", "nl")
    dutch = protocol.translated("nl")
    assert (dutch.title, dutch.steps[1].title, dutch.steps[1].instructions) == (
        "Proef",
        "Debat",
        "Praat.",
    )
    english = protocol.translated("en")  # not given: the French source
    assert (english.title, english.steps[1].title) == ("Protocole d'essai", "Étape debat")
    assert dutch.translations == {} and dutch.steps[1].translations == {}
    assert protocol.translated("nl") is dutch  # made once


def test_a_missing_or_empty_translation_is_named_by_its_step_and_field():
    text = protocol_text(
        translated_step("debat", nl={"phase": "Fase", "title": "Debat"}),
        translated_step("suite", nl={"phase": "Fase", "title": "", "instructions": "Ga door."}),
    )
    found = located(problems_of(text))
    assert (2, "debat", "translations.nl.instructions", p.MSG_MISSING_TRANSLATION) in found
    assert (3, "suite", "translations.nl.title", p.MSG_EMPTY) in found
    # The convention and the header, written in French only, miss their Dutch too.
    assert (1, "convention", "translations.nl.title", p.MSG_MISSING_TRANSLATION) in found
    assert (None, None, "protocol.translations.nl.title", p.MSG_MISSING_TRANSLATION) in found


def test_a_translation_names_a_language_and_known_fields():
    text = protocol_text(
        translated_step("debat", fr={"title": "Débat"}, NL={"title": "Debat"}),
        translated_step(
            "suite", en={"titel": "Next", "phase": "P", "title": "T", "instructions": "I"}
        ),
    )
    found = located(problems_of(text))
    assert (2, "debat", "translations.fr", p.MSG_SOURCE_TRANSLATED) in found
    assert (2, "debat", "translations.NL", p.MSG_BAD_LANGUAGE) in found
    assert (3, "suite", "translations.en.titel", p.MSG_UNKNOWN_FIELD_SUGGEST) in found


def test_the_built_in_protocols_read_in_every_interface_language():
    for protocol in builtin_protocols().values():
        for language in ("fr", "nl", "en"):
            steps = protocol.translated(language).steps
            assert all(step.title and step.instructions for step in steps)
