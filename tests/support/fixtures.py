"""Pytest fixtures for the simulated Discord.

Use from tests/conftest.py with `pytest_plugins = ["tests.support.fixtures"]`, or import the
fixtures by name (`from tests.support.fixtures import fake_discord`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.support.fake_discord import ADMINISTRATOR, MANAGE_GUILD, MEMBER_DEFAULT, Channel, FakeDiscord, Guild, Member


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A simulated Discord on 127.0.0.1; the test fails if the bot sent anything Discord would reject."""
    async with FakeDiscord() as fake:
        yield fake
        fake.assert_clean()


@dataclass
class FakeServer:
    """One server with a text channel and three people of different rank."""

    guild: Guild
    channel: Channel
    member: Member  # default @everyone permissions
    moderator: Member  # Manage Server through a role
    admin: Member  # Administrator through a role


@pytest.fixture
def fake_server(fake_discord: FakeDiscord) -> FakeServer:
    """Add it before `await fake_discord.run_bot(bot)` so it arrives in GUILD_CREATE."""
    guild = fake_discord.add_guild("AI 绘画交流")
    channel = guild.add_text_channel("炼丹房")
    mods = guild.add_role("版主", MANAGE_GUILD)
    admins = guild.add_role("服主", ADMINISTRATOR)
    return FakeServer(guild, channel, guild.add_member("小白"),
                      guild.add_member("版主", permissions=MEMBER_DEFAULT, roles=[mods]),
                      guild.add_member("服主", roles=[admins]))
