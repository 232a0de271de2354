"""SQLite connection, transactions and schema migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every bundled migration, oldest first.

    Each feature adds its own numbered file, so no two features edit one list.
    """
    folder = resources.files("bot.core") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"two migrations share a version number: {versions}")
    return found


class Database:
    """One aiosqlite connection with explicit, serialised transactions.

    isolation_level=None hands transaction control to us, so each write is exactly
    one BEGIN IMMEDIATE … COMMIT and a crash leaves either the old or the new state.
    """

    dialect = "sqlite"
    # The current instant in the form every timestamp column holds (the PostgreSQL backend: now()).
    NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    IntegrityError = sqlite3.IntegrityError

    def __init__(self, conn: aiosqlite.Connection, path: Path | None):
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        target = None if str(path) == ":memory:" else Path(path)
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        db = cls(conn, target)
        await db.migrate()
        return db

    async def close(self) -> None:
        await self.conn.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def fetchall(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        # One trip to aiosqlite's thread (execute and fetch together), not three (execute, fetch,
        # close): each trip is a thread wake-up, which a busy machine can delay by milliseconds.
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def iterate(self, sql: str, params: tuple | dict = (), batch: int = 1000) -> AsyncIterator[Any]:
        """Rows streamed `batch` at a time, never all at once."""
        async with self.conn.execute(sql, params) as cursor:
            while rows := await cursor.fetchmany(batch):
                for row in rows:
                    yield row

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT MAX(version) FROM schema_migrations")
        return int(row[0] or 0)

    async def migrate(self) -> None:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
        )
        applied = {row[0] for row in await self.fetchall("SELECT version FROM schema_migrations")}
        for version, name, sql in migration_scripts():
            if version in applied:
                continue
            log.info("applying migration %s", name)
            # executescript would commit on its own; wrapping the script keeps it atomic.
            async with self._write_lock:
                try:
                    await self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\n"
                        f"INSERT INTO schema_migrations (version, name) VALUES ({version}, '{name}');\n"
                        "COMMIT;"
                    )
                except Exception:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise


async def open_database(target: str | Path) -> Any:
    """The database a URL or path names: `postgresql://…` (or `postgres://…`) opens PostgreSQL,
    `sqlite:///path` or a plain path opens SQLite. Both have the surface the modules use."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        from bot.core.db_postgres import PostgresDatabase

        return await PostgresDatabase.open(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    return await Database.open(text if text == ":memory:" else Path(text))
