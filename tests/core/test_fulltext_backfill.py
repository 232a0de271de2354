"""/search's tables written after start-up (fulltext_backfill.py): what /search finds before, during
and after the backfill is what it finds when every row was indexed as it was written."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.core import fulltext_backfill
from bot.core.glossary import Glossary
from bot.core.moderation import GuildGlossary
from tests.conftest import DATA_DIR
from tests.core.test_moderation import G1, MOD, raw

QUERIES = ["学习率过高", "扩散模型", "噪点", "炉", "模型", "OVERTRAINED", "lora", "prompt", "提示词", "%%%"]


def slugs(entries) -> list[str]:
    return [e.slug for e in entries]


async def found(glossary: Glossary, guild_id: int = 0) -> dict[str, set[str]]:
    return {q: set(slugs(await glossary.search_text(q, guild_id))) for q in QUERIES}


@pytest.fixture
async def indexed(tmp_path: Path):
    """The shipped glossary with every row indexed as it was written."""
    g, _ = await Glossary.open(tmp_path / "indexed.db", DATA_DIR)
    yield g
    await g.close()


@pytest.fixture
async def pending(tmp_path: Path):
    """The same glossary after a first start that left /search's tables to the backfill."""
    g, _ = await Glossary.open(tmp_path / "pending.db", DATA_DIR, defer_fulltext_from=1)
    yield g
    await g.close()


def indexed_rows(glossary: Glossary) -> tuple[set[int], set[int], int]:
    """(uids of terms, rowids in the trigram table, rows in the one-character table)."""
    with sqlite3.connect(glossary.db.path) as conn:
        uids = {r[0] for r in conn.execute("SELECT uid FROM terms")}
        trigram = {r[0] for r in conn.execute("SELECT rowid FROM terms_fts")}
        chars = conn.execute("SELECT count(*) FROM terms_chars").fetchone()[0]
    return uids, trigram, chars


async def test_small_syncs_are_indexed_as_they_are_written(indexed):
    uids, trigram, chars = indexed_rows(indexed)
    assert indexed.fulltext.unindexed_after is None and indexed.start_fulltext_backfill() is None
    assert trigram == uids and chars == len(uids)


async def test_search_finds_the_same_terms_before_and_after_the_backfill(indexed, pending):
    expected = await found(indexed)
    assert indexed_rows(pending)[1] == set()  # nothing indexed yet: every hit comes from the scan
    assert pending.fulltext_pending and not indexed.fulltext_pending  # what the metrics gauge shows
    assert await found(pending) == expected
    await pending.start_fulltext_backfill()
    assert not pending.fulltext_pending
    uids, trigram, chars = indexed_rows(pending)
    assert trigram == uids and chars == len(uids)
    assert await found(pending) == expected
    for query in QUERIES:  # and in the same order: bm25 ranks them as it would have
        assert slugs(await pending.search_text(query)) == slugs(await indexed.search_text(query))


async def test_search_is_complete_halfway_through(indexed, pending):
    halfway = await fulltext_backfill.index_batch(pending.db, pending.fulltext.unindexed_after)
    assert halfway is not None
    pending.fulltext.unindexed_after = halfway
    assert 0 < len(indexed_rows(pending)[1]) < len(indexed_rows(pending)[0])
    assert await found(pending) == await found(indexed)


async def test_terms_written_during_the_backfill_are_found_by_their_latest_text(pending):
    guilds = GuildGlossary(pending)
    cat = (await guilds.add(G1, raw(term="猫模型", en="Cat model", definition="一只会画扩散模型的猫。"), MOD)).term.id
    dog = (await guilds.add(G1, raw(term="狗模型", en="Dog model", definition="原来的狗。"), MOD)).term.id
    await guilds.edit(G1, dog, raw(term="狗模型", en="Dog model", definition="改过的狗。"), MOD)
    assert slugs(await pending.search_text("会画扩散模型的猫", G1)) == [cat]
    assert slugs(await pending.search_text("改过的狗", G1)) == [dog]
    await pending.start_fulltext_backfill()
    uids, trigram, chars = indexed_rows(pending)
    assert trigram == uids and chars == len(uids)  # each row once: nothing indexed twice
    assert slugs(await pending.search_text("会画扩散模型的猫", G1)) == [cat]
    assert slugs(await pending.search_text("改过的狗", G1)) == [dog]
    assert await pending.search_text("原来的狗", G1) == []
    await guilds.edit(G1, cat, raw(term="猫模型", en="Cat model", definition="现在是一只鸟。"), MOD)
    assert await pending.search_text("会画扩散模型的猫", G1) == []  # after it, the triggers keep the tables
    assert slugs(await pending.search_text("现在是一只鸟", G1)) == [cat]


async def test_an_interrupted_backfill_resumes_at_the_next_start(tmp_path, indexed):
    path = tmp_path / "interrupted.db"
    first, _ = await Glossary.open(path, DATA_DIR, defer_fulltext_from=1)
    stopped_at = await fulltext_backfill.index_batch(first.db, 0)
    await first.close()
    again, report = await Glossary.open(path, DATA_DIR)
    try:
        assert report.skipped and again.fulltext.unindexed_after == stopped_at
        await again.start_fulltext_backfill()
        uids, trigram, chars = indexed_rows(again)
        assert trigram == uids and chars == len(uids)
        assert await found(again) == await found(indexed)
    finally:
        await again.close()


async def test_closing_during_the_backfill_stops_it_between_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(fulltext_backfill, "BATCH", 50)  # 14 batches for the shipped terms
    path = tmp_path / "closing.db"
    g, _ = await Glossary.open(path, DATA_DIR, defer_fulltext_from=1)
    task = g.start_fulltext_backfill()
    while g.fulltext.unindexed_after == 0:  # the first batch is in
        await asyncio.sleep(0.001)
    await g.close()
    assert task.done() and task.exception() is None
    reopened, _ = await Glossary.open(path, DATA_DIR)
    try:
        after = reopened.fulltext.unindexed_after
        uids, trigram, _ = indexed_rows(reopened)
        assert after is not None and after >= 50  # the batches done are kept; the rest waits for the next start
        assert trigram == {uid for uid in uids if uid <= after}
    finally:
        await reopened.close()
