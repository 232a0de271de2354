"""Members' proposals: decided once."""

import pytest

from bot.core.proposals import Proposals
from tests.core.test_moderation import G1, MOD, raw


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


async def test_a_proposal_is_decided_once(glossary):
    suggestions = Proposals(glossary.db)
    s = await suggestions.create(G1, 42, raw())
    assert await suggestions.decide(s.id, "approved", MOD)
    assert not await suggestions.decide(s.id, "rejected", MOD)  # a second click changes nothing
    assert (await suggestions.get(s.id)).status == "approved"
    assert (await suggestions.get(s.id)).preview().title.startswith("小黑")
