"""Fixtures for the domain tests: a session played by ``Story`` (tests/story.py)."""

import pytest
from story import Story


@pytest.fixture
def story() -> Story:
    """A mag-complet session in its lobby."""
    return Story()


@pytest.fixture
def make_story():
    """Make a session of another protocol: ``make_story("mag-court")``."""
    return Story
