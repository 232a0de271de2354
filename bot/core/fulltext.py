"""/search: full-text search over names, aliases, summaries, definitions and examples.

SQLite FTS5 does the work (see migrations/0700_fulltext.sql). Chinese has no spaces, so words
can't be tokens: queries of three or more characters use the trigram tokenizer, and shorter ones
(噪点, AI) a second table where every Chinese character is its own token, queried as a phrase.
Hits in the name and aliases rank first, then bm25. What a server may see is asked of the search
index, which owns visibility.

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


# The exact name first, then any hit in a name or alias, then the rest.
_NAME_FIRST = (
    "(lower(t.term) != lower(:query) AND lower(t.en) != lower(:query)),"
    " (instr(lower(t.term || ' ' || t.en || ' ' || t.aliases), lower(:query)) = 0)"
)


class SqliteFullText:
    # Name and alias hits first, then bm25 (FTS5 ranks lower-is-better).
    _TRIGRAM = (
        "SELECT f.rowid FROM terms_fts f JOIN terms t ON t.uid = f.rowid"
        " WHERE terms_fts MATCH :match AND t.guild_id IN (0, :guild) AND t.deleted_at IS NULL"
        f" ORDER BY {_NAME_FIRST}, bm25(terms_fts, 10.0, 8.0, 3.0, 1.0) LIMIT :limit"
    )
    _CHARS = (
        "SELECT f.rowid FROM terms_chars f JOIN terms t ON t.uid = f.rowid"
        " WHERE terms_chars MATCH :match AND t.guild_id IN (0, :guild) AND t.deleted_at IS NULL"
        f" ORDER BY {_NAME_FIRST}, bm25(terms_chars) LIMIT :limit"
    )

    def __init__(self, db: Database):
        self.db = db

    async def candidates(self, query: str, guild_id: int) -> list[int]:
        short = len(query.replace(" ", "")) < 3
        sql = self._CHARS if short else self._TRIGRAM
        match = _phrase(char_tokens(query) if short else query)
        rows = await self.db.fetchall(sql, {"match": match, "guild": guild_id, "query": query, "limit": MAX_RESULTS})
        return [r[0] for r in rows]


async def search(backend: FullTextBackend, query: str, guild_id: int, visible: Callable[[int], bool]) -> list[int]:
    """uids of the terms this server can see that match, best first."""
    folded = fold_query(query)
    if not folded:
        return []
    return [uid for uid in await backend.candidates(folded, guild_id) if visible(uid)]
