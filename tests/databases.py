"""The test PostgreSQL server (``MAG_TEST_POSTGRESQL_URL``, set by scripts/test): fresh databases."""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

# PostgreSQL runs too when scripts/test found or started a server and set this URL (to a
# database the tests may create databases from); SQLite always runs.
POSTGRESQL_URL = os.environ.get("MAG_TEST_POSTGRESQL_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRESQL_URL else [])


@contextmanager
def fresh_postgresql_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test PostgreSQL server, dropped afterwards: its URL.

    ``template``: a database to copy (one migrated once for the whole run), else empty.
    """
    name = f"mag_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRESQL_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield make_url(POSTGRESQL_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(admin, name)
        admin.dispose()


def _drop(admin, name: str) -> None:
    """Drop a test database, its remaining connections closed by force.

    A connection still authenticating (a server process stopped as it connected)
    belongs to no role yet, and PostgreSQL lets no one but a superuser end it: the
    drop is tried again for a few seconds.
    """
    for attempt in range(20):
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            return
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.5)
