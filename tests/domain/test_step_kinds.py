"""A new kind of step is one module of mag/domain/steps, registered: nothing else to wire.

The module below stands for ``mag/domain/steps/silence.py``: a « minute de silence »
the animateur may hold between two steps. Registered in this test only, it gets its
kind of step read from protocol files, its command decided with the table's rules,
its event folded and checked against its declaration.
"""

from types import ModuleType
from typing import TypedDict

import jsonschema
import pytest
from story import Story
from test_session import refused

from mag.domain import steps
from mag.domain.events import NewEvent
from mag.domain.payloads import json_schema
from mag.domain.protocol import builtin_protocol, parse_protocol
from mag.domain.roles import FACILITATOR
from mag.domain.steps.base import BY_ANIMATEUR, Command, current_step

SILENCE_STEP = """
[[steps]]
id = "silence"
number = "0.3"
phase = "Ouverture"
title = "Minute de silence"
kind = "silence"
contributors = ["animateur"]
duration_minutes = 1
instructions = "Une minute, ensemble, sans rien dire."
"""


class SilenceObserved(TypedDict):
    seconds: int


def silence_module(folded: list[int]) -> ModuleType:
    module = ModuleType("mag.domain.steps.silence")
    module.KINDS = ("silence",)

    def observe_silence(state, protocol, actor, args):
        if current_step(state, protocol).kind != "silence":
            raise AssertionError("refused by the domain's rules before this")
        return [NewEvent("silence_observed", {"seconds": 60})]

    module.COMMANDS = {"observe_silence": Command(observe_silence, BY_ANIMATEUR)}
    module.FOLDS = {"silence_observed": lambda state, event: folded.append(event.data["seconds"])}
    module.PAYLOADS = {"silence_observed": SilenceObserved}
    return module


@pytest.fixture
def registries():
    """The step registries as they are, put back after the test."""
    kept = [(r, r.copy()) for r in (steps.COMMANDS, steps.FOLDS, steps.PAYLOADS, steps.KINDS)]
    modules = list(steps.STEP_MODULES)
    yield
    for registry, copy in kept:
        registry.clear()
        registry.update(copy)
    steps.STEP_MODULES[:] = modules


def court_with_silence() -> str:
    source = builtin_protocol("mag-court").source
    second = source.index("[[steps]]", source.index("[[steps]]") + 1)
    return source[:second] + SILENCE_STEP.lstrip() + "\n" + source[second:]


def test_a_kind_of_step_needs_only_its_module_registered(registries):
    with pytest.raises(Exception, match="silence"):
        parse_protocol(court_with_silence())  # unknown before its module is registered
    folded: list[int] = []
    steps.register(silence_module(folded))
    protocol = parse_protocol(court_with_silence())
    assert [step.kind for step in protocol.steps[:3]] == ["agreement", "silence", "round"]

    story = Story("mag-court")
    story.protocol = protocol
    amina = story.join("Amina")
    story.steer("start_session")
    with refused("forbidden"):
        story.do(amina, "observe_silence")
    story.next()  # to the silence
    (event,) = story.steer("observe_silence")
    assert folded == [60]
    jsonschema.validate(event.data, json_schema(steps.PAYLOADS[event.type]))
    assert story.state.seq == event.seq


def test_a_module_cannot_take_what_another_declared(registries):
    steps.register(silence_module([]))
    with pytest.raises(ValueError, match="declared twice"):
        steps.register(silence_module([]))
    assert [m.__name__ for m in steps.STEP_MODULES].count("mag.domain.steps.silence") == 1
    story = Story("mag-court")
    with refused("unknown_command"):
        story.do(FACILITATOR, "no_such_command")
