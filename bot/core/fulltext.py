"""/search: full-text search over names, aliases, summaries, definitions and examples.

SQLite FTS5 does the work (see migrations/0700_fulltext.sql). Chinese has no spaces, so words
can't be tokens: queries of three or more characters use the trigram tokenizer, and shorter ones
(噪点, AI) a second table where every Chinese character is its own token, queried as a phrase.
Hits in the name and aliases rank first (the search index knows names), then bm25. What a
server may see is asked of the search index, which owns visibility.

The SQL here is the SQLite backend's; another backend plugs in by implementing `FullTextBackend`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Protocol

from bot.core.db import Database
from bot.core.normalize import strip_hidden

MAX_QUERY = 100
MAX_RESULTS = 200
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_T2S = None


def _simplified(text: str) -> str:
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("tw2sp")
    return _T2S.convert(text)


def fold_query(query: str) -> str:
    return _simplified(unicodedata.normalize("NFKC", strip_hidden(query[:MAX_QUERY]))).strip()


def char_tokens(text: str) -> str:
    """Text with every Chinese character made a token of its own, for the short-query table."""
    return _CJK_RUN.sub(lambda m: f" {m.group()} ", text)


def fts_chars(*fields: str) -> str:
    """The terms_chars column for one term, computed once per write."""
    return char_tokens(" ".join(f for f in fields if f))


def _phrase(text: str) -> str:
    return '"' + " ".join(text.split()).replace('"', '""') + '"'


class FullTextBackend(Protocol):
    async def candidates(self, query: str, guild_id: int) -> list[int]: ...


class SqliteFullText:
    """FTS5 alone, no join: which of the candidates a server sees, and whether they are still
    active, is the search index's to say (deleted terms are not in it)."""

    _TRIGRAM = (
        "SELECT rowid FROM terms_fts WHERE terms_fts MATCH :match"
        " ORDER BY bm25(terms_fts, 10.0, 8.0, 3.0, 1.0) LIMIT :limit"
    )
    # A one- or two-character query can match a large share of 100k definitions; ranking them all
    # costs tens of milliseconds, so this path takes the first matches unranked (names still lead).
    _CHARS = "SELECT rowid FROM terms_chars WHERE terms_chars MATCH :match LIMIT :limit"

    # Rows the backfill has not reached yet (fulltext_backfill.py), scanned: the same columns.
    _UNINDEXED = (
        "SELECT uid FROM terms WHERE uid > :after AND instr(lower(term || ' ' || en || ' ' || aliases"
        " || ' ' || summary || ' ' || definition || ' ' || example), :text) LIMIT :limit"
    )

    def __init__(self, db: Database):
        self.db = db
        self.unindexed_after: int | None = None  # set while the backfill runs; only ever behind it

    async def candidates(self, query: str, guild_id: int) -> list[int]:
        short = len(query.replace(" ", "")) < 3
        sql = self._CHARS if short else self._TRIGRAM
        match = _phrase(char_tokens(query) if short else query)
        after = self.unindexed_after  # read first: a batch committed meanwhile is then found twice, not missed
        rows = await self.db.fetchall(sql, {"match": match, "limit": MAX_RESULTS})
        if after is not None and len(rows) < MAX_RESULTS:
            rows += await self.db.fetchall(self._UNINDEXED, {"after": after, "text": query.lower(),
                                                             "limit": MAX_RESULTS - len(rows)})
        return [r[0] for r in rows]




def like_pattern(text: str) -> str:
    """A substring pattern for LIKE, with LIKE's own wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PostgresFullText:
    """pg_trgm on PostgreSQL: LIKE over `fts_doc`, the lower-cased document (0700_fulltext.sql).
    From three characters on, its GIN trigram index narrows the rows; one or two characters have no
    trigram, so LIKE scans, and (as on SQLite) that path takes the first matches unranked. Ranked: a
    hit in the name, then aliases, then summary, then definition or example; names from the search
    index lead anyway."""

    _RANKED = (
        "SELECT uid FROM terms WHERE fts_doc LIKE :p"
        " ORDER BY CASE WHEN lower(term || ' ' || en) LIKE :p THEN 0 WHEN lower(aliases) LIKE :p THEN 1"
        " WHEN lower(summary) LIKE :p THEN 2 ELSE 3 END, uid LIMIT :limit"
    )
    _SHORT = "SELECT uid FROM terms WHERE fts_doc LIKE :p LIMIT :limit"

    def __init__(self, db):
        self.db = db

    async def candidates(self, query: str, guild_id: int) -> list[int]:
        short = len(query.replace(" ", "")) < 3
        rows = await self.db.fetchall(self._SHORT if short else self._RANKED,
                                      {"p": like_pattern(query.lower()), "limit": MAX_RESULTS})
        return [r[0] for r in rows]


def backend_for(db) -> FullTextBackend:
    """The full-text backend for the database's dialect."""
    return PostgresFullText(db) if getattr(db, "dialect", "sqlite") == "postgresql" else SqliteFullText(db)


async def search(
    backend: FullTextBackend,
    query: str,
    guild_id: int,
    name_hits: Callable[[str], list[int]] = lambda q: [],
) -> list[int]:
    """uids of the terms that match, best first: terms whose name or alias contains the query (from
    the search index), then the full-text hits by bm25. Which of them this server may see is the
    search index's to say (Glossary.search_text asks it), since it owns visibility."""
    folded = fold_query(query)
    if not folded:
        return []
    ranked = dict.fromkeys(name_hits(folded))
    ranked.update(dict.fromkeys(await backend.candidates(folded, guild_id)))
    return list(ranked)
