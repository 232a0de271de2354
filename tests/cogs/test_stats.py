"""What a server reads, through the simulated Discord: lookups counted per server, /glossary stats,
the empty autocomplete box and /browse by popularity."""

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.client import LiandanBot
from bot.core.clock import ManualClock
from bot.core.glossary import Glossary, choice_value
from tests.conftest import DATA_DIR

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


async def other_server(world):
    """A second server that added the bot, with one member."""
    guild = world.fake.add_guild("另一个服务器")
    guild.add_text_channel("general")
    member = guild.add_member("路人")
    await world.fake.invite_bot(guild)
    return guild, member


async def look_up(world, guild, member, *terms: str) -> None:
    for term in terms:
        reply = await world.fake.slash(guild, member, "define", term=term)
        assert reply.embeds, term


async def empty_box(world, guild, member, n: int = 3) -> list[str]:
    choices = await world.fake.autocomplete(guild, member, "define", "term", value="")
    return [c["value"] for c in choices[:n]]


def field(embed: dict, name: str) -> str:
    (value,) = [f["value"] for f in embed["fields"] if f["name"] == name]
    return value


async def test_lookups_are_counted_per_server_never_for_user_installs_and_kept_after_a_stop(fake_discord, settings):
    guild = fake_discord.add_guild()
    member = guild.add_member("小白")
    stranger = fake_discord.add_user("私信用户")
    elsewhere = fake_discord.add_guild("别人的服务器", bot_installed=False)
    passer = elsewhere.add_member("路过的画师")
    glossary, _ = await Glossary.open(settings.database_path, DATA_DIR)
    bot = LiandanBot(settings, glossary, clock=ManualClock(NOW))
    await fake_discord.run_bot(bot)
    for term in ["炸炉", "zhalu", "炸爐", "LoRA", choice_value("lora"), "完全没有的词"]:
        await fake_discord.slash(guild, member, "define", term=term)
    await fake_discord.slash(None, stranger, "define", where=fake_discord.dm(stranger), term="炸炉")
    await fake_discord.slash(elsewhere, passer, "define", where=elsewhere.add_text_channel("闲聊"), term="炸炉")
    await fake_discord.stop_bot()  # nothing read the counts: the stop wrote them
    await glossary.close()
    with sqlite3.connect(settings.database_path) as raw:
        counts = sorted(raw.execute("SELECT guild_id, slug, count FROM lookup_counts"))
        days = sorted(raw.execute("SELECT guild_id, day, count FROM lookup_days"))
    assert counts == sorted([(guild.id, "zhalu", 3), (guild.id, "lora", 2)])
    assert days == [(guild.id, "2026-03-20", 5)]


async def test_moderators_see_top_terms_misses_and_thirty_days(world):
    world.bot.clock = clock = ManualClock(NOW - timedelta(days=2))
    await look_up(world, world.guild, world.member, "LoRA")
    clock.set(NOW)
    await look_up(world, world.guild, world.member, "炸炉", "炸炉", "LoRA", "炸炉")
    for _ in range(2):
        await world.fake.slash(world.guild, world.member, "define", term="qxzjvkw")

    reply = await world.fake.slash(world.guild, world.moderator, "glossary stats")
    assert reply.ephemeral
    (embed,) = reply.embeds
    assert embed["title"] == "本服务器的查询统计"
    assert field(embed, "最常查的词").splitlines() == ["1. **炸炉** × 3", "2. **LoRA** × 2"]
    misses = field(embed, "查不到的词")
    assert misses.startswith("1. `qxzjvkw` × 2")
    (glossary,) = [c for c in world.fake.synced() if c["name"] == "glossary"]
    assert misses.endswith(f"</glossary gaps:{glossary['id']}>")  # a mention the reader can click
    chart, total = field(embed, "近 30 天的查询").splitlines()
    assert len(chart) == 30 and chart.endswith("▂▁█") and set(chart[:-3]) == {"▁"}
    assert total == "共 5 次 · 2026-02-19 至 2026-03-20（UTC）"

    english = await world.fake.slash(world.guild, world.moderator, "glossary stats", locale="en-US")
    assert field(english.embeds[0], "Lookups, last 30 days").endswith("5 in all · 2026-02-19 to 2026-03-20 (UTC)")
    taiwan = await world.fake.slash(world.guild, world.moderator, "glossary stats", locale="zh-TW")
    assert taiwan.embeds[0]["title"] == "本伺服器的查詢統計"


async def test_stats_before_any_lookup_say_so(world):
    reply = await world.fake.slash(world.guild, world.moderator, "glossary stats")
    (embed,) = reply.embeds
    assert reply.ephemeral and embed["description"].startswith("还没有查询记录")
    assert not embed.get("fields")


async def test_a_member_without_permission_is_refused_and_nothing_changes(world):
    await look_up(world, world.guild, world.member, "炸炉")
    refused = await world.fake.slash(world.guild, world.member, "glossary stats")
    assert refused.ephemeral and not refused.embeds and "只有管理员" in refused.content
    reply = await world.fake.slash(world.guild, world.moderator, "glossary stats")
    assert field(reply.embeds[0], "最常查的词") == "1. **炸炉** × 1"


async def test_the_empty_box_follows_this_servers_lookups_only(world):
    guild, stranger = await other_server(world)
    before = await empty_box(world, world.guild, world.member)
    assert before == await empty_box(world, guild, stranger) == [choice_value(s) for s in ("zhalu", "liandan", "lora")]
    await look_up(world, world.guild, world.member, "ADetailer", "ADetailer", "A2A", "LoRA", "LoRA", "LoRA")
    await world.bot.services.counts.flush()  # what the 10-second timer does
    assert await empty_box(world, world.guild, world.member, 4) == [
        choice_value(s) for s in ("lora", "adetailer", "a2a", "zhalu")]
    assert await empty_box(world, guild, stranger) == before  # the other server's box did not move
    await look_up(world, guild, stranger, "A2A")
    await world.bot.services.counts.flush()
    assert await empty_box(world, guild, stranger, 2) == [choice_value(s) for s in ("a2a", "zhalu")]
    assert (await empty_box(world, world.guild, world.member, 3))[2] == choice_value("a2a")


async def test_browse_by_popularity_in_this_server(world):
    guild, stranger = await other_server(world)
    by_name = await world.fake.slash(world.guild, world.member, "browse", category="slang")
    names = by_name.embeds[0]["description"].splitlines()
    last = names[-1].split("**")[1].split(" · ")[0]  # the last on the first page, by name
    await look_up(world, world.guild, world.member, last, last, "炸炉")
    popular = await world.fake.slash(world.guild, world.member, "browse", category="slang", order="popular")
    lines = popular.embeds[0]["description"].splitlines()
    assert lines[0].startswith(f"1. **{last}") and lines[1].startswith("2. **炸炉")
    here_only = await world.fake.slash(guild, stranger, "browse", category="slang", order="popular")
    assert not here_only.embeds[0]["description"].splitlines()[0].startswith(f"1. **{last}")


async def test_a_purge_forgets_the_servers_lookups(world):
    await look_up(world, world.guild, world.member, "ADetailer")
    ask = await world.fake.slash(world.guild, world.moderator, "glossary purge")
    await world.fake.click(ask.message, world.moderator, label="确认")
    db = world.bot.services.glossary.db
    for table in ("lookup_counts", "lookup_days"):
        assert (await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", (world.guild.id,)))[0] == 0
    assert (await empty_box(world, world.guild, world.member, 1)) == [choice_value("zhalu")]
    reply = await world.fake.slash(world.guild, world.moderator, "glossary stats")
    assert reply.embeds[0]["description"].startswith("还没有查询记录")



async def test_cards_members_pick_are_counted_random_ones_are_not(world):
    card = await look_up_card(world, "炸炉")
    related = next(b for b in _buttons(card) if b.get("custom_id", "").startswith("liandan:term:"))
    await world.fake.click(card.message, world.member, custom_id=related["custom_id"])  # a related term
    found = await world.fake.slash(world.guild, world.member, "search", query="噪点")
    picked = found.message["components"][0]["components"][0]["options"][0]["value"]
    await world.fake.select(found.message, world.member, [picked])  # a /search result
    await world.fake.slash(world.guild, world.member, "random")  # chance, not a choice
    await world.bot.services.counts.flush()
    with sqlite3.connect(world.bot.settings.database_path) as raw:
        counts = dict(raw.execute("SELECT slug, count FROM lookup_counts"))
    expected = {"zhalu": 1}
    for slug in (related["custom_id"].removeprefix("liandan:term:"), picked):
        expected[slug] = expected.get(slug, 0) + 1
    assert counts == expected


async def look_up_card(world, term: str):
    reply = await world.fake.slash(world.guild, world.member, "define", term=term)
    assert reply.embeds, term
    return reply


def _buttons(reply) -> list[dict]:
    return [c for row in reply.message["components"] for c in row["components"] if c.get("type") == 2]
