"""Fixtures for the exports: an app context for Flask-Babel, and the played session."""

import pytest
from flask import Flask
from story import material_of, played_session

from mag.config import default_config
from mag.extensions import babel


@pytest.fixture
def app_context():
    """Flask-Babel in French, without a database: exports need nothing else."""
    app = Flask("mag.tests.report")
    app.config.update(default_config())
    babel.init_app(app, locale_selector=lambda: "fr")
    with app.app_context():
        yield app


@pytest.fixture
def played():
    return played_session()


@pytest.fixture
def material(app_context, played):
    return material_of(played)
