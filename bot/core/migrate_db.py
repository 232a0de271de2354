"""Copy a deployment from one database to another (SQLite → PostgreSQL), and prove it whole.

`python -m bot migrate-db --from sqlite:///var/glossary.db --to postgresql://…` copies every table
the target's schema has (terms shipped and servers' own, history, names, hidden terms, settings,
proposals, gap counts, the daily ledger…), keeping ids, in one transaction on the target. Then,
per table, the row count and a checksum of the rows are computed on both sides and must agree.
Rows already present (same primary key) are left alone, so a second run copies nothing and changes
nothing. Stop the bot while it runs: writes made during the copy would be missed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.db import open_database

log = logging.getLogger(__name__)
_INSTANT_TYPES = {"timestamp with time zone", "timestamp without time zone"}


class MigrationError(Exception):
    """The copy could not be proven complete; the message names the tables that differ."""


@dataclass(frozen=True, slots=True)
class TableReport:
    table: str
    rows: int  # rows in the source (and, once verified, in the target)
    copied: int  # rows this run inserted
    checksum: str


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    instants: frozenset[str]  # columns holding instants (compared as instants, not as text)
    identity: tuple[str, ...]  # columns whose sequence must move past the copied ids


async def copy_database(source_url: str, target_url: str) -> list[TableReport]:
    source = await open_database(source_url)
    try:
        target = await open_database(target_url)
        try:
            if source.dialect != "sqlite" or target.dialect != "postgresql":
                raise MigrationError("copies from a sqlite:/// database to a postgresql:// one")
            tables = await _tables(source, target)
            copied = await _copy(source, target, tables)
            return await _verify(source, target, tables, copied)
        finally:
            await target.close()
    finally:
        await source.close()


async def _tables(source, target) -> list[Table]:
    """The target's tables that the source also has, parents before the tables referring to them."""
    rows = await target.fetchall(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_identity FROM information_schema.columns c"
        " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        " AND c.table_name <> 'schema_migrations' ORDER BY c.table_name, c.ordinal_position"
    )
    present = {r[0] for r in await source.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
    referring = {r[0] for r in await target.fetchall(
        "SELECT table_name FROM information_schema.table_constraints"
        " WHERE constraint_type = 'FOREIGN KEY' AND table_schema = current_schema()"
    )}
    by_table: dict[str, list] = {}
    for r in rows:
        by_table.setdefault(r[0], []).append(r)
    missing = sorted(by_table.keys() - present)
    if missing:
        raise MigrationError(f"the source lacks tables {missing}: open it once with this version first")
    tables = []
    for name in sorted(by_table, key=lambda n: (n in referring, n)):
        source_columns = {r[1] for r in await source.fetchall(f"PRAGMA table_info({name})")}
        cols = [r for r in by_table[name] if r[1] in source_columns]
        tables.append(Table(
            name=name, columns=tuple(r[1] for r in cols), key=await _primary_key(target, name),
            instants=frozenset(r[1] for r in cols if r[2] in _INSTANT_TYPES),
            identity=tuple(r[1] for r in cols if r[3] == "YES"),
        ))
    return tables


async def _primary_key(target, table: str) -> tuple[str, ...]:
    rows = await target.fetchall(
        "SELECT k.column_name FROM information_schema.table_constraints c"
        " JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name"
        "  AND k.table_schema = c.table_schema AND k.table_name = c.table_name"
        " WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND c.table_name = ?"
        " ORDER BY k.ordinal_position",
        (table,),
    )
    return tuple(r[0] for r in rows)


async def _copy(source, target, tables: list[Table]) -> dict[str, int]:
    """Insert every source row the target lacks, all tables in one transaction."""
    copied: dict[str, int] = {}
    async with target.transaction() as conn:
        for table in tables:
            columns = ", ".join(table.columns)
            before = (await (await conn.execute(f"SELECT COUNT(*) FROM {table.name}")).fetchone())[0]
            rows = [tuple(r) for r in await source.fetchall(f"SELECT {columns} FROM {table.name}")]
            marks = ", ".join("?" * len(table.columns))
            await conn.executemany(
                f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows
            )
            after = (await (await conn.execute(f"SELECT COUNT(*) FROM {table.name}")).fetchone())[0]
            copied[table.name] = after - before
            for column in table.identity:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'),"
                    f" GREATEST((SELECT MAX({column}) FROM {table.name}), 1))"
                )
            log.info("%s: %d rows, %d copied", table.name, len(rows), copied[table.name])
    return copied


def _canonical(value: Any, instant: bool) -> Any:
    if instant and isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).astimezone(UTC).isoformat()
        except ValueError:
            return value
    return value


async def table_checksum(db, table: Table) -> tuple[int, str]:
    """(row count, sha256 of the rows): each row canonical JSON, instants as UTC instants, the rows
    sorted in Python so that neither backend's collation decides the order."""
    rows = await db.fetchall(f"SELECT {', '.join(table.columns)} FROM {table.name}")
    lines = sorted(
        json.dumps([_canonical(v, c in table.instants) for c, v in zip(table.columns, r, strict=True)],
                   ensure_ascii=False, default=str)
        for r in rows
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return len(lines), digest.hexdigest()


async def _verify(source, target, tables: list[Table], copied: dict[str, int]) -> list[TableReport]:
    reports, differ = [], []
    for table in tables:
        count, checksum = await table_checksum(source, table)
        other = await table_checksum(target, table)
        if (count, checksum) != other:
            differ.append(f"{table.name} (source {count} rows, target {other[0]})")
        reports.append(TableReport(table.name, count, copied[table.name], checksum))
    if differ:
        raise MigrationError("the target differs from the source in: " + ", ".join(differ))
    return reports
