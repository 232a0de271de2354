"""Members' proposals: decided once."""

from bot.core.proposals import Proposals
from tests.core.test_moderation import G1, MOD, raw


async def test_a_proposal_is_decided_once(glossary):
    suggestions = Proposals(glossary.db)
    s = await suggestions.create(G1, 42, raw())
    assert await suggestions.decide(s.id, "approved", MOD)
    assert not await suggestions.decide(s.id, "rejected", MOD)  # a second click changes nothing
    assert (await suggestions.get(s.id)).status == "approved"
    assert (await suggestions.get(s.id)).preview().title.startswith("小黑")
