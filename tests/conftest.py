"""Shared fixtures: the shipped glossary on a temporary database, and the bot against the simulated Discord.

`fake_discord` and `fake_server` come from tests/support/fixtures.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.glossary import Glossary

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"

pytest_plugins = ["tests.support.fixtures", "tests.support.postgres"]


@pytest.fixture
def database_target(tmp_path: Path):
    """Where `glossary` lives: a SQLite file under tmp_path. A module that tests both backends
    overrides this with `backend_target` (tests/support/postgres.py), giving [sqlite] and
    [postgres] variants of each of its tests."""
    return tmp_path / "glossary.db"


@pytest.fixture
async def glossary(database_target):
    """The real shipped glossary in a fresh database (SQLite unless the module says otherwise)."""
    g, _ = await Glossary.open(database_target, DATA_DIR)
    try:
        yield g
    finally:
        await g.close()


@pytest.fixture
def settings(tmp_path: Path):
    from bot.config import Settings

    return Settings(token=None, database_path=tmp_path / "glossary.db", data_dir=DATA_DIR,
                    dev_guild_id=None, log_level="INFO", timezone="Asia/Shanghai")


@pytest.fixture
async def world(fake_discord, glossary, settings):
    """The real bot running against the simulated Discord, with one server, a channel and two people."""
    from bot.client import LiandanBot
    from tests.support.fake_discord import MANAGE_GUILD, MEMBER_DEFAULT

    guild = fake_discord.add_guild("AI 绘画交流")
    channel = guild.add_text_channel("炼丹房")
    world = World(
        fake=fake_discord, guild=guild, channel=channel,
        member=guild.add_member("小白"), moderator=guild.add_member("版主", permissions=MEMBER_DEFAULT | MANAGE_GUILD),
        bot=LiandanBot(settings, glossary),
    )
    await fake_discord.run_bot(world.bot)
    yield world
    await fake_discord.stop_bot()


class World:
    def __init__(self, **parts):
        self.__dict__.update(parts)
