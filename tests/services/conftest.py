import pytest
from databases import BACKENDS, fresh_postgresql_database

from mag import services
from mag.db import make_engine, make_sessionmaker, upgrade
from mag.domain.protocol import builtin_protocol
from mag.live import Live


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_engine(request, tmp_path):
    """An empty database migrated here from nothing (the other tests copy one made so)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    with fresh_postgresql_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_sessionmaker(engine)


@pytest.fixture
def published():
    return []


@pytest.fixture
def live(sessions, published):
    return Live(sessions, lambda session_id, events: published.extend(events))


@pytest.fixture
def created(sessions):
    with sessions() as db, db.begin():
        return services.create_session(
            db,
            title="Numérique et travail social",
            question="Qu'est-ce qui change ?",
            protocol_source=builtin_protocol("mag-complet").source,
            planned_dates=["2026-12-01", ""],
            convention_text="On s'écoute.",
        )
