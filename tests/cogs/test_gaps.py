"""Misses counted through the real bot are all in the database once the bot has stopped."""

import sqlite3

from bot.client import LiandanBot
from bot.core.glossary import Glossary
from tests.conftest import DATA_DIR


async def test_miss_counts_are_exact_after_the_bot_stops(fake_discord, settings):
    guild = fake_discord.add_guild()
    member = guild.add_member("小白")
    glossary, _ = await Glossary.open(settings.database_path, DATA_DIR)
    bot = LiandanBot(settings, glossary)
    await fake_discord.run_bot(bot)
    for query in ["不存在的词"] * 5 + ["qqqxxx"] * 3 + ["炸炉"]:
        await fake_discord.slash(guild, member, "define", term=query)
    await fake_discord.stop_bot()  # no /glossary gaps read forced a flush: the stop did
    await glossary.close()
    with sqlite3.connect(settings.database_path) as raw:
        counts = dict(raw.execute("SELECT query, count FROM lookup_misses WHERE guild_id = ?", (guild.id,)))
    assert counts == {"不存在的词": 5, "qqqxxx": 3}
