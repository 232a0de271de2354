"""PostgreSQL behind the same surface as the SQLite `Database` (asyncpg, a small pool).

The modules write one SQL text for both backends: `?` and `:name` placeholders, which are
translated to `$n` here once per distinct statement. Timestamps are `timestamptz` and local dates
`date` in PostgreSQL; at this boundary they travel as the same ISO text the SQLite backend
stores, so the modules see one type whatever the backend.

Migrations live in bot/core/migrations_postgres/, numbered like the SQLite ones, each applied in
one transaction under an advisory lock so that two processes starting at once never both migrate.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

import asyncpg

log = logging.getLogger(__name__)
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# A quoted literal or identifier (skipped), a `::` cast (kept), `?`, or `:name`.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:([A-Za-z_]\w*)")
_MIGRATION_LOCK = 0x6C69616E  # pg_advisory_xact_lock key: "lian"
_ROWCOUNT = re.compile(r"(\d+)$")
CLOSE_TIMEOUT = 10.0  # seconds closing waits for connections still in use
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES|SHOW)\b|\bRETURNING\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """`?`/`:name` → `$n`. Returns the SQL and, for named parameters, their order."""
    names: list[str] = []
    positional = 0

    def swap(match: re.Match) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        if match.group(1) is None:
            return token
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    out = _TOKENS.sub(swap, sql)
    if names and positional:
        raise ValueError(f"mixed ? and :name placeholders in {sql!r}")
    return out, (tuple(names) if names else None)


def bind(sql: str, params: Sequence | dict) -> tuple[str, list]:
    text, names = translate(sql)
    if names is not None:
        if not isinstance(params, dict):
            raise TypeError(f"named placeholders need a dict, got {type(params).__name__}")
        return text, [params[n] for n in names]
    if isinstance(params, dict):
        if params:
            raise TypeError("a dict of parameters for a statement with ? placeholders")
        return text, []
    return text, list(params)


def iso_instant(value: datetime) -> str:
    """The text form the SQLite backend stores: UTC, 'T', 'Z', microseconds only when present."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def _encode_instant(value: str | datetime) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _decode_instant(text: str) -> str:
    return iso_instant(datetime.fromisoformat(text))


def _encode_date(value: str | date) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every PostgreSQL migration, oldest first."""
    folder = resources.files("bot.core") / "migrations_postgres"
    found = sorted(
        (int(m.group(1)), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if (m := _MIGRATION_NAME.match(entry.name))
    )
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"two PostgreSQL migrations share a version number: {versions}")
    return found


def rowcount(status: str) -> int:
    """asyncpg returns a command tag ('UPDATE 1', 'INSERT 0 1'); the last number is the count."""
    match = _ROWCOUNT.search(status or "")
    return int(match.group(1)) if match else -1


class Cursor:
    """What a write returns: the rows of a RETURNING clause and the affected-row count."""

    def __init__(self, rows: list[asyncpg.Record], count: int):
        self._rows = rows
        self.rowcount = count
        self.lastrowid = None  # PostgreSQL has none: write `RETURNING id` instead

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return list(self._rows)


class _Pending:
    """What execute() returns: awaited, or used as `async with conn.execute(…) as cursor`, as aiosqlite allows."""

    def __init__(self, coro):
        self._coro = coro

    def __await__(self):
        return self._coro.__await__()

    async def __aenter__(self) -> Cursor:
        return await self._coro

    async def __aexit__(self, *exc) -> None:
        return None


class Connection:
    """A pooled connection inside one transaction, with the aiosqlite calls the modules use."""

    def __init__(self, conn: asyncpg.Connection):
        self.raw = conn

    def execute(self, sql: str, params: Sequence | dict = ()) -> _Pending:
        return _Pending(self._execute(sql, params))

    async def _execute(self, sql: str, params: Sequence | dict) -> Cursor:
        text, args = bind(sql, params)
        if _RETURNS_ROWS.search(text):
            rows = await self.raw.fetch(text, *args)
            return Cursor(rows, len(rows))
        status = await self.raw.execute(text, *args) if args else await self.raw.execute(text)
        return Cursor([], rowcount(status))

    async def executemany(self, sql: str, seq: Sequence[Sequence | dict]) -> None:
        items = list(seq)
        if not items:
            return
        text, _ = translate(sql)
        await self.raw.executemany(text, [bind(sql, p)[1] for p in items])


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("timestamptz", schema="pg_catalog", format="text",
                              encoder=_encode_instant, decoder=_decode_instant)
    await conn.set_type_codec("date", schema="pg_catalog", format="text", encoder=_encode_date, decoder=str)


class PostgresDatabase:
    """A small asyncpg pool. Each `transaction()` is one PostgreSQL transaction on one connection;
    constraints (primary keys, ON CONFLICT) make concurrent writers from any process agree."""

    dialect = "postgresql"
    NOW = "now()"
    IntegrityError = asyncpg.IntegrityConstraintViolationError

    def __init__(self, pool: asyncpg.Pool, url: str):
        self.pool = pool
        self.url = url
        self.path = None

    @classmethod
    async def open(cls, url: str, *, max_size: int = 4) -> PostgresDatabase:
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=max_size, init=_init_connection,
            server_settings={"timezone": "UTC", "application_name": "liandan"},
        )
        db = cls(pool, url)
        try:
            encoding = await db.fetchone("SHOW server_encoding")
            if encoding is None or encoding[0] != "UTF8":
                raise RuntimeError("the PostgreSQL database must be UTF-8 (CREATE DATABASE … ENCODING 'UTF8')")
            await db.migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        """Close the pool, waiting a little for connections still in use; a connection someone
        never released (a cancelled task) must not hang shutdown, so after that it is cut."""
        try:
            await asyncio.wait_for(self.pool.close(), CLOSE_TIMEOUT)
        except TimeoutError:
            log.warning("closing PostgreSQL connections still in use after %s s", CLOSE_TIMEOUT)
            self.pool.terminate()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield Connection(conn)

    async def fetchall(self, sql: str, params: Sequence | dict = ()) -> list[asyncpg.Record]:
        text, args = bind(sql, params)
        return await self.pool.fetch(text, *args)

    async def fetchone(self, sql: str, params: Sequence | dict = ()) -> asyncpg.Record | None:
        text, args = bind(sql, params)
        return await self.pool.fetchrow(text, *args)

    async def iterate(self, sql: str, params: Sequence | dict = (), batch: int = 1000) -> AsyncIterator[Any]:
        """Rows streamed through a server-side cursor, `batch` at a time."""
        text, args = bind(sql, params)
        async with self.pool.acquire() as conn, conn.transaction():
            async for row in conn.cursor(text, *args, prefetch=batch):
                yield row

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT MAX(version) FROM schema_migrations")
        return int(row[0] or 0)

    async def migrate(self) -> None:
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
            for version, name, sql in migration_scripts():
                async with conn.transaction():
                    # The lock is held to the end of this transaction; a second process waits here,
                    # then sees the version recorded and skips it.
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                    if await conn.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version):
                        continue
                    log.info("applying PostgreSQL migration %s", name)
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
