"""The Prometheus endpoint, scraped over HTTP on 127.0.0.1 after driving the bot through the simulated Discord."""

import dataclasses
import math
import socket
from datetime import UTC, datetime
from types import SimpleNamespace

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.client import LiandanBot
from bot.core.clock import ManualClock
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_DEFAULT


async def scrape(port: int) -> dict[tuple[str, tuple], float]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
async def metered(fake_discord, glossary, settings):
    guild = fake_discord.add_guild("AI 绘画交流")
    channel = guild.add_text_channel("今日术语")
    member = guild.add_member("小白")
    moderator = guild.add_member("版主", permissions=MEMBER_DEFAULT | MANAGE_GUILD)
    clock = ManualClock(datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    bot = LiandanBot(dataclasses.replace(settings, metrics_port=0, metrics_host="127.0.0.1"), glossary, clock=clock)
    await fake_discord.run_bot(bot)
    yield SimpleNamespace(fake=fake_discord, bot=bot, guild=guild, channel=channel, member=member,
                          moderator=moderator, clock=clock)
    await fake_discord.stop_bot()


async def test_metrics_count_what_users_did(metered):
    fake, bot, guild, member = metered.fake, metered.bot, metered.guild, metered.member
    port = bot.get_cog("Metrics").port
    await fake.slash(guild, member, "define", term="炸炉")       # found
    await fake.slash(guild, member, "define", term="炸芦")       # found by pinyin
    await fake.slash(guild, member, "define", term="stable difusion")  # found or suggested, never missed
    await fake.slash(guild, member, "define", term="完全不存在的词ｘｙｚ")  # missed
    await fake.slash(guild, member, "addterm", category="slang")  # refused: not a moderator

    seen = await scrape(port)
    ok = seen[("liandan_interactions_total", (("command", "define"), ("outcome", "ok")))]
    assert ok == 4
    assert seen[("liandan_interactions_total", (("command", "addterm"), ("outcome", "refused")))] == 1
    lookups = {result: seen[("liandan_lookups_total", (("result", result),))] for result in ("found", "suggested", "missed")}
    assert sum(lookups.values()) == 4 and lookups["missed"] == 1 and lookups["found"] >= 2
    assert seen[("liandan_interaction_seconds_count", (("command", "define"),))] == 4
    assert seen[("liandan_index_terms", ())] == len(bot.services.glossary.index) > 500
    assert seen[("liandan_search_backfill_pending", ())] == 0  # the shipped terms are indexed as written
    latency = seen[("liandan_gateway_latency_seconds", ())]
    assert math.isnan(latency) or latency >= 0


async def test_metrics_count_daily_posts_sent_and_failed(metered):
    fake, bot, guild, channel, clock = metered.fake, metered.bot, metered.guild, metered.channel, metered.clock
    moderator = metered.moderator
    port = bot.get_cog("Metrics").port
    reply = await fake.slash(guild, moderator, "daily set", channel=channel, time="09:00", timezone="Asia/Shanghai")
    assert "好的" in reply.content
    clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    await bot.get_cog("Daily").tick()
    assert len(fake.channel_posts(channel.id)) == 1
    fake.fail_channel(channel.id, 403)
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    await bot.get_cog("Daily").tick()
    fake.clear_failures(channel.id)

    seen = await scrape(port)
    assert seen[("liandan_daily_posts_total", (("outcome", "sent"),))] == 1
    assert seen[("liandan_daily_posts_total", (("outcome", "failed"),))] == 1


async def test_the_endpoint_is_off_unless_a_port_is_set(world):
    assert world.bot.settings.metrics_port is None
    assert world.bot.get_cog("Metrics") is None


async def test_a_taken_port_costs_the_metrics_not_the_bot(fake_discord, glossary, settings, caplog):
    guild = fake_discord.add_guild("AI 绘画交流")
    guild.add_text_channel("general")
    member = guild.add_member("小白")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = LiandanBot(dataclasses.replace(settings, metrics_port=port, metrics_host="127.0.0.1"), glossary)
        await fake_discord.run_bot(bot)
        reply = await fake_discord.slash(guild, member, "define", term="炸炉")
        assert reply.embeds
        assert "metrics endpoint not started" in caplog.text
        await fake_discord.stop_bot()
