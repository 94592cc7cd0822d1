"""What events carry: the shared pieces of their declarations, and their JSON Schema.

Each event type's payload is declared as a TypedDict in the module of
:mod:`mag.domain.steps` that makes the event (its ``PAYLOADS``), beside the command
and the fold. :func:`json_schema` turns a declaration into the JSON Schema of
``data``; :func:`schema_rules` gives all of them to the archive's
``session.schema.json`` (``tests/domain/test_payloads.py`` keeps the two equal and
checks every event a session makes against its declaration).

A key that is ``NotRequired`` may be absent: the fold reads it with a default.
"""

import types
import typing
from typing import Any, NotRequired, TypedDict

Id = str
Iso = str  # a date or date-time, ISO 8601


class Empty(TypedDict):
    """Nothing to say but that it happened (the session started, the timer paused…)."""


class ByParticipant(TypedDict):
    """Something a participant did, on their device or typed for them (``entered_by``)."""

    participant_id: Id
    entered_by: NotRequired[str | None]


class Order(TypedDict):
    order: list[Id]


class Settled(TypedDict):
    """A suggestion or an amendment, accepted or declined."""

    status: str


# Python names cannot be keywords: the key written ``from_`` is ``from``.
_KEYS = {"from_": "from"}
_SCALARS = {str: "string", int: "integer", bool: "boolean", float: "number"}


def json_schema(payload: type) -> dict[str, Any]:
    """The JSON Schema of a payload declared as a TypedDict (no other keys allowed)."""
    hints = typing.get_type_hints(payload, include_extras=True)
    properties: dict[str, Any] = {}
    required = []
    for name, hint in hints.items():
        key = _KEYS.get(name, name)
        if typing.get_origin(hint) is NotRequired:
            (hint,) = typing.get_args(hint)
        else:
            required.append(key)
        properties[key] = _type_schema(hint)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if hint is Any:
        return {}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    if hint is type(None):
        return {"type": "null"}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(arg) for arg in typing.get_args(hint)]}
    if origin is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _type_schema(item)}
    if origin is dict:
        return {"type": "object"}
    if typing.is_typeddict(hint):
        return json_schema(hint)
    raise TypeError(f"no JSON Schema for {hint!r}")


def schema_rules() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """For ``session.schema.json``: each type's ``data`` schema, and the rules choosing it."""
    from mag.domain.steps import PAYLOADS  # the step modules import this one

    defs = {f"data_{name}": json_schema(PAYLOADS[name]) for name in sorted(PAYLOADS)}
    rules = [
        {
            "if": {"properties": {"type": {"const": name}}},
            "then": {"properties": {"data": {"$ref": f"#/$defs/data_{name}"}}},
        }
        for name in sorted(PAYLOADS)
    ]
    return defs, rules
