"""Two processes' worth of Glossary on one PostgreSQL database: writes in one reach the other's index."""

import asyncio

import pytest

from bot.core.glossary import Glossary
from bot.core.moderation import GuildGlossary
from tests.conftest import DATA_DIR
from tests.core.test_moderation import G1, G2, MOD, raw
from tests.support.postgres import create_database, drop_database

PATIENCE = 10.0  # seconds a change may take to arrive before the test gives up (not a timing claim)


@pytest.fixture
async def two_processes():
    url = create_database()
    first, _ = await Glossary.open(url, DATA_DIR)
    second, _ = await Glossary.open(url, DATA_DIR)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()
        drop_database(url)


async def eventually(check) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not await check():
        assert loop.time() < deadline, "the change never reached the other process"
        await asyncio.sleep(0.02)


async def found(glossary: Glossary, query: str, guild_id: int) -> bool:
    return (await glossary.define(query, guild_id)).status == "found"


async def test_postgres_a_term_added_in_one_process_is_found_in_the_other(two_processes):
    first, second = two_processes
    stored = await GuildGlossary(first).add(G1, raw(aliases=["xiaohei"]), MOD)
    await eventually(lambda: found(second, "xiaohei", G1))
    assert (await second.define("xiaohei", G1)).term.uid == stored.uid
    assert not await found(second, "xiaohei", G2)
    assert stored.term.id in [e.slug for e in await second.search_text("一只会画画的猫", G1)]


async def test_postgres_edits_removals_and_hidden_shipped_terms_reach_the_other_process(two_processes):
    first, second = two_processes
    guilds = GuildGlossary(first)
    stored = await guilds.add(G1, raw(), MOD)
    await guilds.edit(G1, stored.term.id, raw(aliases=["新别名"]), MOD)
    await eventually(lambda: found(second, "新别名", G1))
    await guilds.remove(G1, stored.term.id, MOD)
    await guilds.remove(G1, "zhalu", MOD)

    async def both_gone() -> bool:
        return not await found(second, "新别名", G1) and not await found(second, "炸炉", G1)

    await eventually(both_gone)
    assert await found(second, "炸炉", G2)
    await GuildGlossary(second).restore(G1, "zhalu", MOD)
    await eventually(lambda: found(first, "炸炉", G1))


async def test_postgres_after_a_lost_connection_the_process_resyncs_fully(two_processes):
    first, second = two_processes
    sync = second._sync
    async with first.db.transaction() as conn:  # the listening connection dies…
        await conn.execute("SELECT pg_terminate_backend(?)", (sync.listener_pid,))
    await GuildGlossary(first).add(G1, raw(aliases=["xiaohei"]), MOD)  # …and may miss this write
    await eventually(lambda: found(second, "xiaohei", G1))

    async def resynced() -> bool:
        return sync.resyncs >= 1

    await eventually(resynced)
