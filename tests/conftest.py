"""Fixtures shared by the service, integration and browser tests."""

import pytest

from mag import create_app


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'mag.sqlite3'}"


@pytest.fixture
def app(db_url, tmp_path):
    app = create_app({"TESTING": True, "MAG_DATABASE_URL": db_url, "MAG_DATA_DIR": tmp_path})
    yield app
    app.extensions["mag"].engine.dispose()


@pytest.fixture
def mag(app):
    return app.extensions["mag"]
