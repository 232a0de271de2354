"""Forgetting a server through the simulated Discord: /glossary purge, and 30 days after the bot is removed."""

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.clock import ManualClock
from bot.core.privacy import RETENTION
from tests.support.fake_discord import MODAL

FORM = {"term": "小黑", "names": "Our mascot\nxiaohei", "summary": "本服务器的吉祥物。", "definition": "一只会画画的猫。"}
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def add_mascot(world) -> None:
    modal = await world.fake.slash(world.guild, world.moderator, "addterm", category="slang")
    assert modal.type == MODAL
    card = await world.fake.submit_modal(modal, world.moderator, FORM)
    assert card.embeds[0]["title"].startswith("小黑")


async def finds_mascot(world) -> bool:
    reply = await world.fake.slash(world.guild, world.member, "define", term="xiaohei")
    return bool(reply.embeds) and reply.embeds[0]["title"].startswith("小黑")


async def test_moderators_purge_the_servers_data_after_confirming(world):
    await add_mascot(world)
    await world.fake.slash(world.guild, world.member, "define", term="完全没有的词")  # a counted miss
    assert await finds_mascot(world)
    refused = await world.fake.slash(world.guild, world.member, "glossary purge")
    assert refused.ephemeral and "只有管理员" in refused.content

    ask = await world.fake.slash(world.guild, world.moderator, "glossary purge")
    assert ask.ephemeral and "不能撤销" in ask.content
    not_yours = await world.fake.click(ask.message, world.member, label="确认")
    assert not_yours.ephemeral and await finds_mascot(world)
    await world.fake.click(ask.message, world.moderator, label="取消")
    assert await finds_mascot(world)

    ask = await world.fake.slash(world.guild, world.moderator, "glossary purge")
    done = await world.fake.click(ask.message, world.moderator, label="确认")
    assert "已删除本服务器的全部数据" in done.message["content"] and "1 个" in done.message["content"]
    assert not await finds_mascot(world)
    choices = await world.fake.autocomplete(world.guild, world.member, "define", "term", value="小黑")
    assert all("小黑" not in c["name"] for c in choices)
    gaps = await world.fake.slash(world.guild, world.moderator, "glossary gaps")
    assert "完全没有的词" not in str(gaps.embeds)  # counted before the purge, gone with it
    builtin = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    assert builtin.embeds  # the shipped glossary is untouched


async def departures_become(world, expected: set[int]) -> None:
    """Listeners run as tasks: wait until the bot has noted the leave or the return."""
    for _ in range(500):
        if set(await world.bot.services.privacy.departures()) == expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"departures never became {expected}")


async def test_a_server_that_removes_the_bot_is_forgotten_after_30_days_unless_it_comes_back(world):
    world.bot.clock = clock = ManualClock(START)
    sweep = world.bot.get_cog("Privacy").sweep
    await add_mascot(world)

    await world.fake.remove_bot(world.guild)
    await departures_become(world, {world.guild.id})
    clock.set(START + RETENTION - timedelta(hours=1))
    assert await sweep() == []
    await world.fake.invite_bot(world.guild)  # back within the 30 days: nothing is lost
    await departures_become(world, set())
    clock.set(START + 2 * RETENTION)
    assert await sweep() == []
    assert await finds_mascot(world)

    await world.fake.remove_bot(world.guild)
    await departures_become(world, {world.guild.id})
    clock.set(START + 3 * RETENTION)
    (report,) = await sweep()
    assert report.guild_id == world.guild.id and report.terms == 1
    await world.fake.invite_bot(world.guild)
    assert not await finds_mascot(world)
    assert (await world.fake.slash(world.guild, world.member, "define", term="炸炉")).embeds
