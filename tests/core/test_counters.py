"""The batched writer for lookup-path counts: nothing lost, nothing counted twice."""

import asyncio
import random

import pytest

from bot.core.counters import BatchedWriter
from bot.core.db import Database
from bot.core.gaps import Gaps


async def _never(_seconds: float) -> None:
    await asyncio.Event().wait()  # a timer that never fires: only stop() writes


async def test_counts_are_exact_after_a_clean_stop(tmp_path):
    db = await Database.open(tmp_path / "c.db")
    writer = BatchedWriter(db, interval=0.001)  # flushes constantly while counts arrive
    gaps = Gaps(db, writer)
    writer.start()
    rng = random.Random(3)
    expected: dict[tuple[int, str], int] = {}

    async def member(guild_id: int) -> None:
        for _ in range(200):
            query = rng.choice(["炸芦", "zhalu", "xyz", "不存在"])
            gaps.record(guild_id, query)
            key = (guild_id, query)
            expected[key] = expected.get(key, 0) + 1
            if rng.random() < 0.3:
                await asyncio.sleep(0)

    await asyncio.gather(*(member(g) for g in range(1, 21)))
    await writer.stop()
    await db.close()

    reopened = await Database.open(tmp_path / "c.db")
    rows = await reopened.fetchall("SELECT guild_id, query, count FROM lookup_misses")
    await reopened.close()
    assert {(r["guild_id"], r["query"]): r["count"] for r in rows} == expected


async def test_a_second_counter_is_written_in_the_same_flush(tmp_path):
    db = await Database.open(tmp_path / "c.db")
    await db.conn.execute("CREATE TABLE term_lookups (guild_id INTEGER, uid INTEGER, count INTEGER,"
                          " PRIMARY KEY (guild_id, uid))")
    writer = BatchedWriter(db, sleep=_never)
    gaps = Gaps(db, writer)
    lookups = writer.tally("term_lookups", ("guild_id", "uid"))
    writer.start()
    gaps.record(7, "foo")
    lookups.add((7, 42))
    lookups.add((7, 42))
    assert writer.pending == 3
    await writer.stop()
    assert writer.pending == 0
    assert [tuple(r) for r in await db.fetchall("SELECT guild_id, uid, count FROM term_lookups")] == [(7, 42, 2)]
    assert await gaps.top(7) == [("foo", 1)]
    with pytest.raises(ValueError):
        writer.tally("term_lookups", ("uid",))  # one table, one key
    await db.close()


async def test_a_tally_hears_each_batch_once_it_is_written_and_its_failure_loses_nothing(tmp_path):
    db = await Database.open(tmp_path / "c.db")
    heard: list[dict] = []

    async def after(batch) -> None:
        rows = await db.fetchall("SELECT query, count FROM lookup_misses")
        heard.append({"batch": dict(batch), "stored": {r[0]: r[1] for r in rows}})
        if len(heard) == 1:
            raise RuntimeError("a listener that fails")

    writer = BatchedWriter(db, sleep=_never)
    misses = writer.tally("lookup_misses", ("guild_id", "query"), after=after)
    misses.add((7, "foo"), 2)
    await writer.flush()  # the listener fails: the counts are written all the same, and not kept pending
    misses.add((7, "foo"))
    await writer.flush()
    await writer.flush()  # nothing pending: nothing to hear
    assert heard == [{"batch": {(7, "foo"): 2}, "stored": {"foo": 2}},
                     {"batch": {(7, "foo"): 1}, "stored": {"foo": 3}}]
    assert writer.pending == 0
    await db.close()
