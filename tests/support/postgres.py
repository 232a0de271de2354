"""A fresh PostgreSQL database per test, on the server LIANDAN_TEST_POSTGRES_URL names.

LIANDAN_TEST_POSTGRES_URL is an administrator's URL (it may create and drop databases), e.g.
postgresql://postgres@127.0.0.1:5433/postgres; `.ci/run` starts a throwaway cluster and sets it.
Without it the PostgreSQL variants skip on a developer's machine, and fail under CI=true, so a
CI run can never pass by silently testing SQLite alone.

Each test gets its own database, cloned from a template that already holds the migrated schema
and the shipped glossary (built once per session), and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "LIANDAN_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgres")
_template_lock = threading.Lock()
_templates: dict[str, str] = {}


def admin_url() -> str:
    url = os.environ.get(ENV, "").strip()
    if url:
        return url
    message = f"{ENV} is not set: no PostgreSQL server to test against"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI must not skip these; .ci/run starts one)", pytrace=False)
    pytest.skip(message)


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database (query such as ?host=/dir kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def run_sync(coro) -> object:
    """Run a coroutine to completion from sync code, even while a test's event loop exists."""
    result: list[object] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0] if result else None


async def _admin(url: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


def create_database(template: str | None = None) -> str:
    """A new, empty (or template-cloned) UTF-8 database; returns its URL."""
    admin = admin_url()
    name = f"liandan_test_{uuid.uuid4().hex[:12]}"
    source = f"TEMPLATE {template}" if template else "TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
    run_sync(_admin(admin, f"CREATE DATABASE {name} {source}"))
    return with_database(admin, name)


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    run_sync(_admin(admin_url(), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _shipped_template(data_dir: Path) -> str:
    """A database with the schema and the shipped glossary, built once per session."""
    with _template_lock:
        key = str(data_dir)
        if key not in _templates:
            from bot.core.glossary import Glossary

            url = create_database()

            async def build() -> None:
                glossary, _ = await Glossary.open(url, data_dir)
                await glossary.close()

            run_sync(build())
            _templates[key] = urlsplit(url).path.lstrip("/")
        return _templates[key]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (no schema yet), dropped after the test."""
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture(scope="session", autouse=True)
def _drop_templates() -> Iterator[None]:
    yield
    for name in list(_templates.values()):
        with contextlib.suppress(BaseException):  # cleanup must not fail the run
            drop_database(with_database(admin_url(), name))
    _templates.clear()


def _database_for(backend: str, tmp_path: Path, data_dir: Path) -> Iterator[str | Path]:
    """What Glossary.open takes for a backend: a SQLite file under tmp_path, or the URL of a fresh
    PostgreSQL database that already holds the shipped glossary."""
    if backend == "sqlite":
        yield tmp_path / "glossary.db"
        return
    url = create_database(template=_shipped_template(data_dir))
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(params=BACKENDS)
def backend_target(request, tmp_path: Path) -> Iterator[str | Path]:
    """Each backend in turn: use as `database_target = backend_target` in a test module (or request
    it directly) and every test there runs as test_x[sqlite] and test_x[postgres]."""
    from tests.conftest import DATA_DIR

    yield from _database_for(request.param, tmp_path, DATA_DIR)
