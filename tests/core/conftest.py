"""Fixtures shared by the core tests."""

import pytest

from bot.core.moderation import GuildGlossary
from bot.core.services import Services


@pytest.fixture
async def guilds(glossary):
    """A server's own glossary over the shipped one (on whichever backend the module asks for)."""
    return GuildGlossary(glossary)


@pytest.fixture
async def services(glossary):
    """Every service, as the bot builds them, over `glossary` (the counts' timer not started)."""
    return Services.create(glossary)
