"""A new kind of step is one module of mag/domain/steps, registered: nothing else to wire.

``tests/kinds/silence.py`` stands for ``mag/domain/steps/silence.py``: a « minute de
silence » the animateur may hold between two steps. Registered in these tests only, it
gets its kind of step read from protocol files, its command decided with the table's
rules, its event folded and checked against its declaration, its state shown to each
viewer as it says, and its screens named to the pages. tests/e2e/test_step_kind.py
plays it in browsers.
"""

from types import ModuleType

import jsonschema
import pytest
from kinds import court_with_silence, silence
from story import Story
from test_session import refused

from mag.domain import steps
from mag.domain.commands import browser_table
from mag.domain.payloads import json_schema
from mag.domain.protocol import parse_protocol
from mag.domain.roles import FACILITATOR
from mag.domain.views import snapshot


@pytest.fixture
def registries():
    """The step registries as they are, put back after the test."""
    registries = (steps.COMMANDS, steps.FOLDS, steps.PAYLOADS, steps.KINDS, steps.VIEWS)
    kept = [(r, r.copy()) for r in (*registries, steps.MESSAGES)]
    modules = list(steps.STEP_MODULES)
    yield
    for registry, copy in kept:
        registry.clear()
        registry.update(copy)
    steps.STEP_MODULES[:] = modules


def story_with_silence() -> Story:
    story = Story("mag-court")
    story.protocol = parse_protocol(court_with_silence())
    return story


def variant(**changes) -> ModuleType:
    """The silence module with some of its parts changed."""
    module = ModuleType(silence.__name__)
    module.__dict__.update({k: v for k, v in vars(silence).items() if not k.startswith("__")})
    module.__dict__.update(changes)
    return module


def test_a_kind_of_step_needs_only_its_module_registered(registries):
    with pytest.raises(Exception, match="silence"):
        parse_protocol(court_with_silence())  # unknown before its module is registered
    steps.register(silence)
    story = story_with_silence()
    assert [step.kind for step in story.protocol.steps[:3]] == ["agreement", "silence", "round"]

    amina = story.join("Amina")
    story.steer("start_session")
    with refused("wrong_step"):
        story.steer("observe_silence")  # still at the agreement
    story.next()
    with refused("forbidden"):
        story.do(amina, "observe_silence")
    (event,) = story.steer("observe_silence")
    jsonschema.validate(event.data, json_schema(steps.PAYLOADS[event.type]))
    assert silence.observed(story.state) == {"1": 60}
    with refused("already_observed"):
        story.steer("observe_silence")
    seen = snapshot(story.state, story.protocol, amina)
    assert seen["kind_state"] == {"silence": {"observed": {"1": 60}}}


def test_a_kind_says_what_each_viewer_sees_of_its_state(registries):
    def view(data, viewer):
        return data if viewer.role.is_staff else {"observed": {}}

    steps.register(variant(view=view))
    story = story_with_silence()
    amina = story.join("Amina")
    story.steer("start_session")
    story.next()
    story.steer("observe_silence")
    assert snapshot(story.state, story.protocol, amina)["kind_state"]["silence"] == view({}, amina)
    assert snapshot(story.state, story.protocol, FACILITATOR)["kind_state"]["silence"] == {
        "observed": {"1": 60}
    }


def test_the_pages_are_told_which_screens_to_load(registries):
    assert browser_table()["kind_modules"] == []
    steps.register(silence)
    assert browser_table()["kind_modules"] == ["silence"]
    assert steps.MESSAGES["silence_heading"] == "Minute de silence"


def test_a_module_cannot_take_what_another_declared(registries):
    steps.register(silence)
    with pytest.raises(ValueError, match="declared twice"):
        steps.register(variant())
    with pytest.raises(ValueError, match="folds and declares different events"):
        steps.register(variant(KINDS=(), COMMANDS={}, MESSAGES={}, PAYLOADS={}))
    assert [m.__name__ for m in steps.STEP_MODULES].count(silence.__name__) == 1
    story = Story("mag-court")
    with refused("unknown_command"):
        story.do(FACILITATOR, "no_such_command")
