"""/search's tables written after start-up instead of during it (SQLite).

At a first start with thousands of new terms, the FTS5 triggers were most of the work: 2.4 s of
CPU at 10k terms, ahead of the gateway connection. Now a large sync lowers `fts_state.upto` to the
last indexed uid (migration 0930), so the triggers skip the new rows, and once the bot is connected
`index_batch` writes them a few hundred at a time, each batch its own short transaction so other
reads and writes take turns with it. Until it is done, /search scans the rows above `upto` with
LIKE (fulltext.SqliteFullText): slower, never incomplete. An interrupted backfill resumes where it
stopped at the next start, since `upto` is committed with each batch.
"""

from __future__ import annotations

import json

import aiosqlite

from bot.core.db import Database
from bot.core.fulltext import fts_chars
from bot.core.models import names_of

ALL_INDEXED = 2**63 - 1  # fts_state.upto when every row is in the FTS tables
BATCH = 200  # rows a transaction: ~10 ms of Python (their character text) and ~50 ms of SQLite
DEFER_FROM = 2000  # a sync adding fewer terms indexes them inline, as every other write does

_ROWS = ("SELECT uid, term, en, aliases, summary, definition, example FROM terms"
         " WHERE uid > ? ORDER BY uid LIMIT ?")


async def unindexed_after(db: Database) -> int | None:
    """The uid above which rows still wait for the backfill; None when all are indexed."""
    if db.dialect != "sqlite":
        return None  # PostgreSQL's pg_trgm index is written with each row
    row = await db.fetchone("SELECT upto FROM fts_state")
    return None if row is None or row[0] >= ALL_INDEXED else int(row[0])


async def defer(conn: aiosqlite.Connection) -> None:
    """Leave rows inserted after this (in this transaction and later) to the backfill."""
    await conn.execute("UPDATE fts_state SET upto = min(upto, (SELECT coalesce(max(uid), 0) FROM terms))")


def _row_chars(row: aiosqlite.Row) -> str:
    names = names_of(row["term"], row["en"], json.loads(row["aliases"]))
    return fts_chars(*names, row["summary"], row["definition"], row["example"])


async def index_batch(db: Database, after: int) -> int | None:
    """Index the next batch of rows above `after`; returns the new mark, None once all are in."""
    async with db.transaction() as conn:
        rows = list(await conn.execute_fetchall(_ROWS, (after, BATCH)))
        await conn.executemany(
            "INSERT INTO terms_fts (rowid, name, aliases, summary, body) VALUES (?, ?, ?, ?, ?)",
            [(r["uid"], f"{r['term']} {r['en']}", r["aliases"], r["summary"], f"{r['definition']} {r['example']}")
             for r in rows])
        await conn.executemany("INSERT INTO terms_chars (rowid, chars) VALUES (?, ?)",
                               [(r["uid"], _row_chars(r)) for r in rows])
        # A short batch means no row is left above it: this transaction holds the write lock.
        done = len(rows) < BATCH
        upto = ALL_INDEXED if done else rows[-1]["uid"]
        await conn.execute("UPDATE fts_state SET upto = ?", (upto,))
    return None if done else upto
