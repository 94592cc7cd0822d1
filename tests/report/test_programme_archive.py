"""The programme's JSON archive: its schema, the domain's lists and limits, what it keeps."""

import json

import jsonschema
import pytest
from story import material_of, played_session
from test_programme_qdpx import fiche, programme_of, second_session

from mag.domain import programme as rules
from mag.domain.personal_data import Kind
from mag.report import to_json, to_programme_json


@pytest.fixture
def programme(app_context):
    return programme_of(
        [material_of(played_session()), second_session()],
        [fiche(1), fiche(2, warnings={"what_happened": ["phone"]}, levels=())],
    )


def validate(document) -> None:
    validator = jsonschema.Draft202012Validator(
        to_programme_json.schema(),
        registry=to_programme_json.registry(),
        format_checker=jsonschema.FormatChecker(),
    )
    validator.validate(document)


def test_an_archive_follows_its_schema_each_session_following_its_own(programme):
    document = json.loads(to_programme_json.export(programme))
    validate(document)
    broken = json.loads(to_programme_json.export(programme))
    broken["sessions"][1]["events"][0]["type"] = "inconnu"
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_the_fiches_are_kept_as_stored_and_each_session_as_its_own_export(programme):
    document = json.loads(to_programme_json.export(programme))
    first = document["fiches"][0]
    assert (
        first["what_happened"] == "Mme Dupont n'a pas pu joindre la ligne du CPAS de l'après-midi."
    )
    assert document["programme"]["names"] == ["Dupont", "Clinique des Lilas"]
    assert document["fiches"][1]["warnings"] == {"what_happened": ["phone"]}
    assert document["forms"] == [
        {"number": 1, "created_at": "2026-01-10T09:00:00+00:00", "closed_at": None}
    ]
    assert document["sessions"] == [to_json.document(m) for m in programme.sessions]
    assert to_programme_json.export(programme) == to_programme_json.export(programme)


def test_the_schema_holds_the_domains_lists_and_limits():
    schema = to_programme_json.schema()
    fiche_schema = schema["$defs"]["fiche"]["properties"]
    assert fiche_schema["barrier"]["enum"] == ["", *rules.BARRIERS]
    assert fiche_schema["region"]["enum"] == ["", *rules.REGIONS]
    assert fiche_schema["consequences"]["items"]["enum"] == list(rules.CONSEQUENCES)
    assert fiche_schema["levels"]["items"]["enum"] == list(rules.LEVELS)
    assert fiche_schema["warnings"]["propertyNames"]["enum"] == list(rules.FREE_TEXTS)
    kinds = fiche_schema["warnings"]["additionalProperties"]["items"]["enum"]
    assert kinds == [kind.value for kind in Kind]
    for name, limit in {
        "what_happened": rules.STORY_MAX,
        "action": rules.STORY_MAX,
        "service": rules.LIST_ITEM_MAX,
        "service_other": rules.SHORT_MAX,
        "barrier_other": rules.SHORT_MAX,
        "public": rules.SHORT_MAX,
        "consequence_other": rules.SHORT_MAX,
        "function": rules.FUNCTION_MAX,
        "consent_text": rules.CONSENT_MAX,
    }.items():
        assert fiche_schema[name]["maxLength"] == limit, name
    assert fiche_schema["themes"]["items"]["maxLength"] == rules.THEME_MAX
    assert fiche_schema["themes"]["maxItems"] == rules.THEMES_MAX
    meta = schema["properties"]["programme"]["properties"]
    assert meta["title"]["maxLength"] == rules.PROGRAMME_TITLE_MAX
    assert meta["question"]["maxLength"] == rules.PROGRAMME_QUESTION_MAX
    assert meta["consent_text"]["maxLength"] == rules.CONSENT_MAX
    for name in ("services", "names"):
        assert meta[name]["maxItems"] == rules.LIST_MAX
        assert meta[name]["items"]["maxLength"] == rules.LIST_ITEM_MAX
    assert schema["properties"]["sessions"]["items"] == {"$ref": to_json.schema()["$id"]}
