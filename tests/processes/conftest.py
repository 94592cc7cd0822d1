"""Fixtures: a throwaway Redis, a fresh PostgreSQL database, `mag serve` commands sharing them."""

import os
from collections.abc import Callable, Iterator

import pytest
from cluster import REDIS_SERVER, Redis
from databases import POSTGRESQL_URL, fresh_postgresql_database
from servers import Server


@pytest.fixture
def redis_server(tmp_path) -> Iterator[Redis]:
    if not REDIS_SERVER.exists():
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/test installs Debian's redis-server")
        pytest.skip("redis-server is not installed (scripts/test installs it)")
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    if not POSTGRESQL_URL:
        if os.environ.get("CI"):
            pytest.fail("MAG_TEST_POSTGRESQL_URL is not set: scripts/test starts PostgreSQL")
        pytest.skip("no PostgreSQL server (scripts/test starts one)")
    with fresh_postgresql_database() as url:
        yield url


@pytest.fixture
def cluster(tmp_path, redis_server, postgresql_url) -> Iterator[Callable[..., Server]]:
    """Start `mag serve` commands sharing one Redis, one PostgreSQL and one data folder."""
    started: list[Server] = []
    env = {
        **os.environ,
        "MAG_DATABASE_URL": postgresql_url,
        "MAG_DATA_DIR": str(tmp_path / "data"),
        "MAG_MESSAGE_QUEUE": redis_server.url,
        # Long enough that only a notification through Redis delivers "at once".
        "MAG_CATCH_UP_SECONDS": "30",
        "PYTHONUNBUFFERED": "1",
    }

    def start(*extra: str, **settings: str) -> Server:
        server = Server({**env, **settings}, tmp_path / f"server-{len(started)}.log", list(extra))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
    for server in started:
        server.wait()
    tracebacks = [s.log_path.name for s in started if "Traceback" in s.output()]
    assert not tracebacks, f"tracebacks in {tracebacks}:\n" + "\n".join(s.output() for s in started)
