"""Every event's payload is declared (mag/domain/payloads.py), and the archive's schema says so."""

import json
import os
from pathlib import Path

import jsonschema
from story import every_other_event, played_session

from mag.domain.payloads import json_schema, schema_rules
from mag.domain.steps import PAYLOADS

SCHEMA = Path(__file__).resolve().parents[2] / "mag" / "report" / "session.schema.json"


def test_every_event_a_session_makes_is_as_declared():
    for story in (played_session(), every_other_event()):
        for event in story.log:
            data = json.loads(json.dumps(event.data))
            jsonschema.validate(data, json_schema(PAYLOADS[event.type]))


def test_the_archive_schema_checks_each_payload_as_declared():
    schema = json.loads(SCHEMA.read_text("utf-8"))
    defs, rules = schema_rules()
    if os.environ.get("MAG_UPDATE_GOLDEN") == "1":
        schema["$defs"] = {"event": schema["$defs"]["event"], **defs}
        schema["$defs"]["event"]["allOf"] = rules
        schema["$defs"]["event"]["properties"]["type"]["enum"] = sorted(PAYLOADS)
        SCHEMA.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert {k: v for k, v in schema["$defs"].items() if k != "event"} == defs, (
        "run the tests with MAG_UPDATE_GOLDEN=1 to write the declarations into the schema"
    )
    assert schema["$defs"]["event"]["allOf"] == rules
    assert schema["$defs"]["event"]["properties"]["type"]["enum"] == sorted(PAYLOADS)


def test_a_payload_that_breaks_its_declaration_is_refused_by_the_schema():
    schema = json.loads(SCHEMA.read_text("utf-8"))
    event = {
        "seq": 2,
        "type": "turn_ended",
        "actor": "animateur",
        "audience": "all",
        "at": "2026-12-01T09:00:00+00:00",
        "data": {"participant_id": "p-1", "outcome": 3},
    }
    document = {
        "format": "mag-session",
        "format_version": 1,
        "session": {
            "id": "s1",
            "title": "T",
            "protocol": "mag-court",
            "protocol_source": "x",
            "created_at": "2026-12-01T09:00:00+00:00",
        },
        "events": [event],
    }
    validator = jsonschema.Draft202012Validator(schema)
    assert any("3 is not of type 'string'" in e.message for e in validator.iter_errors(document))
    event["data"]["outcome"] = "spoke"
    assert list(validator.iter_errors(document)) == []
