"""Fixtures shared by the core tests."""

import pytest

from bot.core.moderation import GuildGlossary


@pytest.fixture
async def guilds(glossary):
    """A server's own glossary over the shipped one (on whichever backend the module asks for)."""
    return GuildGlossary(glossary)
