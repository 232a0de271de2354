"""Terms in SQLite: the shipped-glossary sync and the reads every feature needs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core import fulltext_backfill
from bot.core.db import Database
from bot.core.fulltext import fts_chars
from bot.core.keys import KEYS_VERSION, TermKeys, compute_keys
from bot.core.loader import content_hash_of, term_hash
from bot.core.models import SHIPPED, Category, Term, names_of
from bot.core.normalize import normalize
from bot.core.search import IndexEntry

log = logging.getLogger(__name__)

_SHIPPED_HASH = "shipped_glossary_hash"
_SHIPPED_RAW = "shipped_raw_digest"  # digest of data/*.yaml bytes: equal means nothing to parse
_KEYS_VERSION = "search_keys_version"
_INDEX_BATCH = 1000
_WRITE_BATCH = 1000  # terms a multi-row INSERT: 16 values each stays under SQLite's 32,766 parameters
TERM_COLUMNS = (
    "uid, guild_id, slug, term, en, aliases, category, summary, definition, example,"
    " related, sources, priority, checked, search_keys, deleted_at"
)


@dataclass(frozen=True, slots=True)
class SyncReport:
    skipped: bool
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class StoredTerm:
    uid: int
    term: Term
    keys: TermKeys
    deleted: bool = False

    def index_entry(self) -> IndexEntry:
        t = self.term
        return IndexEntry(uid=self.uid, guild_id=t.guild_id, slug=t.id, term=t.term, en=t.en, priority=t.priority)


def term_values(term: Term, digest: str | None = None, *, chars: bool = True) -> dict:
    """Column values for one term, keys included (computed here, once per write). chars=False
    leaves /search's character text to the backfill (fulltext_backfill.py)."""
    return {
        "guild_id": term.guild_id,
        "slug": term.id,
        "term": term.term,
        "en": term.en,
        "aliases": json.dumps(term.aliases, ensure_ascii=False),
        "category": term.category.value,
        "summary": term.summary,
        "definition": term.definition,
        "example": term.example,
        "related": json.dumps(term.related, ensure_ascii=False),
        "sources": json.dumps(term.sources, ensure_ascii=False),
        "priority": term.priority,
        "checked": term.checked,
        "content_hash": digest or term_hash(term),
        "search_keys": compute_keys(term.names).serialize(),
        "fts_chars": fts_chars(*term.names, term.summary, term.definition, term.example) if chars else "",
    }


Planned = list[tuple[Term, str]]  # terms to write, each with its content hash


def _plan_shipped(terms: Sequence[Term], hashes: list[str], existing: dict[str, str]) -> tuple[Planned, Planned]:
    """The shipped terms to insert and to update (unchanged ones are left alone)."""
    inserts, updates = [], []
    for term, digest in zip(terms, hashes, strict=True):
        if term.guild_id != SHIPPED:
            raise ValueError(f"shipped term {term.id!r} carries guild_id {term.guild_id}")
        old = existing.get(term.id)
        if old != digest:
            (inserts if old is None else updates).append((term, digest))
    return inserts, updates


async def _insert_sqlite(conn: aiosqlite.Connection, planned: Planned, *, defer_fulltext: bool) -> None:
    """Insert the planned terms, computing each batch's values (search keys, mostly) while SQLite
    writes the batch before: one multi-row INSERT a batch is one step in SQLite, which runs its
    triggers without holding the GIL. With defer_fulltext, /search's tables (most of the cost)
    are left to the backfill after start-up."""
    if defer_fulltext:
        await fulltext_backfill.defer(conn)
    writing: asyncio.Future | None = None
    try:
        for start in range(0, len(planned), _WRITE_BATCH):
            rows = [term_values(term, digest, chars=not defer_fulltext)
                    for term, digest in planned[start:start + _WRITE_BATCH]]
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(conn.execute(_insert_many_sql(rows), _flat(rows)))
            await asyncio.sleep(0)  # let it reach SQLite's thread before the next batch is computed
        await writing  # type: ignore[misc]
    except BaseException:
        if writing is not None and not writing.done():
            await asyncio.wait([writing])  # the transaction rolls back after it, never beside it
        raise


def _insert_many_sql(rows: list[dict]) -> str:
    columns = list(rows[0])
    one = "(" + ", ".join("?" * len(columns)) + ")"
    return f"INSERT INTO terms ({', '.join(columns)}) VALUES " + ", ".join([one] * len(rows))


def _flat(rows: list[dict]) -> list:
    return [value for row in rows for value in row.values()]


def row_to_stored(row: aiosqlite.Row) -> StoredTerm:
    term = Term(
        id=row["slug"],
        term=row["term"],
        en=row["en"],
        category=Category(row["category"]),
        summary=row["summary"],
        definition=row["definition"],
        aliases=json.loads(row["aliases"]),
        example=row["example"],
        related=json.loads(row["related"]),
        sources=json.loads(row["sources"]),
        guild_id=row["guild_id"],
        priority=row["priority"],
        checked=row["checked"],
    )
    return StoredTerm(
        uid=row["uid"], term=term, keys=TermKeys.deserialize(row["search_keys"]),
        deleted=row["deleted_at"] is not None,
    )


def stored_raw_digest(database_path: str | Path) -> str | None:
    """The raw-bytes digest of data/ at the last sync, read before the database is opened
    (None for a new database, or one from before digests were kept)."""
    path = Path(database_path)
    if str(database_path) == ":memory:" or not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (_SHIPPED_RAW,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


class TermStore:
    def __init__(self, db: Database, *, defer_fulltext_from: int = fulltext_backfill.DEFER_FROM):
        self.db = db
        self.defer_fulltext_from = defer_fulltext_from  # a sync adding this many terms indexes them later

    async def _set_meta(self, conn: aiosqlite.Connection, key: str, value: str) -> None:
        await conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    async def sync_shipped(self, terms: Sequence[Term], *, raw_digest: str | None = None) -> SyncReport:
        """Make the guild_id = 0 rows equal to `terms`, in one transaction.

        raw_digest (of the files `terms` came from) is stored with the content hash, so the next
        start-up can skip parsing byte-identical files. Rows owned by a server are never touched.
        """
        hashes = [term_hash(term) for term in terms]
        digest = content_hash_of(hashes)
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = ?", (_SHIPPED_HASH,))
        if row is not None and row["value"] == digest:
            if raw_digest is not None:  # same terms, different bytes (a comment, say)
                async with self.db.transaction() as conn:
                    await self._set_meta(conn, _SHIPPED_RAW, raw_digest)
            return SyncReport(skipped=True, unchanged=len(terms))
        existing = {
            r["slug"]: r["content_hash"]
            for r in await self.db.fetchall("SELECT slug, content_hash FROM terms WHERE guild_id = ?", (SHIPPED,))
        }
        gone = existing.keys() - {t.id for t in terms}
        inserts, updates = _plan_shipped(terms, hashes, existing)
        async with self.db.transaction() as conn:
            await conn.executemany("DELETE FROM terms WHERE guild_id = ? AND slug = ?", [(SHIPPED, s) for s in gone])
            await self._insert(conn, inserts)
            if updates:
                rows = [term_values(term, digest) for term, digest in updates]
                sets = ", ".join(f"{k} = :{k}" for k in rows[0])
                await conn.executemany(
                    f"UPDATE terms SET {sets}, updated_at = {self.db.NOW}"
                    " WHERE guild_id = :guild_id AND slug = :slug", rows)
            await self._set_meta(conn, _SHIPPED_HASH, digest)
            if raw_digest is not None:
                await self._set_meta(conn, _SHIPPED_RAW, raw_digest)
        report = SyncReport(skipped=False, added=len(inserts), updated=len(updates), removed=len(gone),
                            unchanged=len(terms) - len(inserts) - len(updates))
        log.info("shipped glossary synced: %s", report)
        return report

    async def _insert(self, conn: Any, planned: Planned) -> None:
        if not planned:
            return
        if self.db.dialect == "sqlite":
            await _insert_sqlite(conn, planned, defer_fulltext=len(planned) >= self.defer_fulltext_from)
            return
        rows = [term_values(term, digest) for term, digest in planned]
        columns = list(rows[0])
        await conn.executemany(
            f"INSERT INTO terms ({', '.join(columns)}) VALUES ({', '.join(':' + k for k in columns)})", rows)

    async def index_generation(self) -> str | None:
        """This database's id and a counter every write to terms or hidden_terms moves on
        (triggers, migration 0910): equal means the index built from it would be the same."""
        rows = await self.db.fetchall(
            "SELECT key, value FROM meta WHERE key IN ('database_id', 'index_generation') ORDER BY key")
        return ":".join(str(r["value"]) for r in rows) if len(rows) == 2 else None

    async def rekey_if_stale(self) -> int:
        """Recompute every stored term's search keys and names after normalisation changed
        (KEYS_VERSION), shipped and servers' terms alike, in one transaction. Returns how many."""
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = ?", (_KEYS_VERSION,))
        if row is not None and row["value"] == str(KEYS_VERSION):
            return 0
        rows = await self.db.fetchall(
            "SELECT uid, guild_id, term, en, aliases, summary, definition, example, deleted_at FROM terms"
        )
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM term_names")
            for r in rows:
                names = names_of(r["term"], r["en"], json.loads(r["aliases"]))
                chars = fts_chars(*names, r["summary"], r["definition"], r["example"])
                await conn.execute("UPDATE terms SET search_keys = ?, fts_chars = ? WHERE uid = ?",
                                   (compute_keys(names).serialize(), chars, r["uid"]))
                if r["guild_id"] != SHIPPED and r["deleted_at"] is None:
                    await self._rename(conn, r["guild_id"], r["uid"], names)
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_KEYS_VERSION, str(KEYS_VERSION)),
            )
        log.info("search keys rebuilt for %d terms (normalisation version %d)", len(rows), KEYS_VERSION)
        return len(rows)

    @staticmethod
    async def _rename(conn: aiosqlite.Connection, guild_id: int, uid: int, names: list[str]) -> None:
        """A server term's names under today's normalisation. Two names that now fold alike keep
        the first owner (ON CONFLICT DO NOTHING): a re-key never fails start-up."""
        for norm in dict.fromkeys(k for k in map(normalize, names) if k):
            await conn.execute("INSERT INTO term_names (guild_id, norm, uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                               (guild_id, norm, uid))

    async def active_terms(self) -> list[StoredTerm]:
        rows = await self.db.fetchall(f"SELECT {TERM_COLUMNS} FROM terms WHERE deleted_at IS NULL")
        return [row_to_stored(r) for r in rows]

    async def index_rows(self) -> AsyncIterator[tuple[IndexEntry, TermKeys]]:
        """Every active term as the search index needs it, streamed: no definitions, and
        never every row at once, so a 100k-term start-up stays small."""
        async for row in self.db.iterate(
            "SELECT uid, guild_id, slug, term, en, priority, search_keys FROM terms WHERE deleted_at IS NULL",
            batch=_INDEX_BATCH,
        ):
            yield IndexEntry(*row[:6]), TermKeys.deserialize(row[6])

    async def hidden(self) -> list[tuple[int, str]]:
        """(guild, slug) of every shipped term a server has hidden."""
        return [(r["guild_id"], r["slug"]) for r in await self.db.fetchall("SELECT guild_id, slug FROM hidden_terms")]

    async def catalogue(self, guild_id: int, category: str | None = None) -> list[tuple[int, str, str]]:
        """(uid, category, created_at) of the active terms a server might see, shipped and its own;
        which of them it does see is the search index's to say."""
        sql = "SELECT uid, category, created_at FROM terms WHERE guild_id IN (0, ?) AND deleted_at IS NULL"
        params: tuple = (guild_id,)
        if category is not None:
            sql, params = sql + " AND category = ?", (guild_id, category)
        return [(r[0], r[1], r[2]) for r in await self.db.fetchall(sql, params)]

    async def summaries(self, uids: list[int]) -> dict[int, str]:
        if not uids:
            return {}
        marks = ", ".join("?" * len(uids))
        rows = await self.db.fetchall(f"SELECT uid, summary FROM terms WHERE uid IN ({marks})", tuple(uids))
        return {r["uid"]: r["summary"] for r in rows}

    async def get(self, uid: int) -> StoredTerm | None:
        row = await self.db.fetchone(f"SELECT {TERM_COLUMNS} FROM terms WHERE uid = ?", (uid,))
        return row_to_stored(row) if row else None

    async def count_active(self) -> int:
        """Active terms of every server and the shipped glossary: what the index will hold."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM terms WHERE deleted_at IS NULL")
        return int(row[0])

    async def count(self, guild_id: int = SHIPPED) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM terms WHERE guild_id = ? AND deleted_at IS NULL", (guild_id,)
        )
        return int(row[0])
