"""Misses counted per server, in batches that never make a lookup wait."""

import contextlib

import pytest

from bot.core.gaps import Gaps
from tests.core.test_moderation import G1, G2


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


async def test_gaps_count_normalised_misses_per_server(glossary):
    gaps = Gaps(glossary.db)
    for query in ("ＦＯＯ ｂａｒ", "foo-bar", "Foo Bar", "其他"):
        gaps.record(G1, query)
    gaps.record(G2, "foobar")
    assert await gaps.top(G1) == [("foobar", 3), ("其他", 1)]
    assert await gaps.top(G2) == [("foobar", 1)]


async def test_pending_counts_survive_a_failed_flush(glossary):
    gaps = Gaps(glossary.db)
    gaps.record(G1, "foo")
    async with glossary.db.transaction() as conn:
        await conn.execute("DROP TABLE lookup_misses")
    with contextlib.suppress(Exception):
        await gaps.flush()
    assert gaps.pending == 1  # kept for the next flush, not lost
