"""Shard processes: which servers a process owns, and the term of the day posted once by the owner."""

from datetime import UTC, date, datetime, time

import pytest

from bot.core.daily import DailyConfig
from bot.core.daily_service import DailyService
from bot.core.daily_store import DailyStore
from bot.core.db import open_database
from bot.core.shards import ShardPlan, parse_shards, shard_of
from tests.core.test_daily import Recorder
from tests.support.postgres import BACKENDS


def guild_on(shard: int, count: int, n: int = 1) -> int:
    """A snowflake-shaped server id that lands on `shard` of `count`."""
    return ((n * count + shard) << 22) | 12345


def test_shard_of_follows_discords_formula():
    assert shard_of(guild_on(1, 2), 2) == 1 and shard_of(guild_on(0, 2), 2) == 0
    assert shard_of(81384788765712384, 4) == (81384788765712384 >> 22) % 4


@pytest.mark.parametrize(("count", "ids", "plan"), [
    ("", "", ShardPlan()), ("4", "", ShardPlan(4)), ("4", "1, 0,1", ShardPlan(4, (0, 1))),
])
def test_shard_settings_parse(count, ids, plan):
    assert parse_shards(count, ids) == plan


@pytest.mark.parametrize(("count", "ids"), [("", "0"), ("0", ""), ("two", ""), ("2", "2"), ("2", "a,b")])
def test_bad_shard_settings_are_one_clear_line(count, ids):
    with pytest.raises(ValueError) as exc:
        parse_shards(count, ids)
    assert "SHARD_" in str(exc.value) and "\n" not in str(exc.value)


def test_shard_ownership():
    assert ShardPlan().owns(guild_on(1, 2)) and ShardPlan(2).owns(guild_on(1, 2))
    assert ShardPlan(2, (0,)).owns(guild_on(0, 2)) and not ShardPlan(2, (0,)).owns(guild_on(1, 2))


@pytest.fixture(params=BACKENDS)
async def database(request, tmp_path):
    target = tmp_path / "d.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = await open_database(target)
    yield target
    await db.close()


def process(db, shards: ShardPlan) -> DailyService:
    service = DailyService(DailyStore(db), lambda guild_id: {"a", "b", "c"}, Recorder(), owns=shards.owns)
    service.recorder = service.poster
    return service


@pytest.mark.parametrize("misconfigured", [False, True], ids=["shard-per-process", "shard-run-twice"])
async def test_daily_shard_processes_post_once_per_server_from_the_owner(database, misconfigured):
    dbs = [await open_database(database) for _ in range(2)]
    try:
        plans = [ShardPlan(2, (0,)), ShardPlan(2, (0, 1) if misconfigured else (1,))]
        processes = [process(db, plan) for db, plan in zip(dbs, plans, strict=True)]
        guilds = [guild_on(0, 2), guild_on(1, 2), guild_on(0, 2, 2)]
        start = datetime(2026, 3, 1, tzinfo=UTC)
        for g in guilds:
            await processes[0].store.configure(DailyConfig(g, 10, time(9, 0), "UTC", active_since=start))
        for day in range(1, 4):
            at = datetime(2026, 3, day, 9, 0, tzinfo=UTC)
            for p in processes if day % 2 else reversed(processes):
                await p.tick(at)
        posted = [p for proc in processes for p in proc.recorder.posts]
        assert sorted((g, d) for g, d, _ in posted) == sorted((g, date(2026, 3, d)) for g in guilds for d in (1, 2, 3))
        if not misconfigured:  # each server from the process that owns its shard
            assert {g for g, _, _ in processes[0].recorder.posts} == {guilds[0], guilds[2]}
            assert {g for g, _, _ in processes[1].recorder.posts} == {guilds[1]}
    finally:
        for db in dbs:
            await db.close()
