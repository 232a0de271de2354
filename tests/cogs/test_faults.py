"""Faults through the simulated Discord: the gateway drops, Discord answers the bot's replies with 5xx and 429."""

import asyncio

from tests.support.fake_discord import CHANNEL_MESSAGE


def answers(world) -> list[dict]:
    """Every message in the channel: interaction replies, error notes and posts alike."""
    return world.fake.messages(world.channel.id)


async def define_zhalu(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    assert reply.type == CHANNEL_MESSAGE and reply.embeds[0]["title"].startswith("炸炉"), reply.content
    return reply


async def test_after_a_gateway_drop_the_bot_resumes_and_gets_what_was_sent_meanwhile(world):
    await define_zhalu(world)
    before = len(answers(world))
    await world.fake.drop_gateway()
    await define_zhalu(world)  # sent while the bot is away: replayed to it on RESUME, answered once
    server = world.fake.server
    assert (server.resumes, server.replayed, server.identifies) == (1, 1, 1)
    await define_zhalu(world)  # and it goes on answering
    assert len(answers(world)) == before + 2


async def test_when_the_session_cannot_resume_the_bot_identifies_again_and_answers(world):
    await define_zhalu(world)
    await world.fake.drop_gateway(resumable=False)
    await asyncio.wait_for(world.fake.wait_identified(), 15)  # discord.py waits 5 s before identifying again
    assert world.fake.server.identifies == 2 and world.fake.server.resumes == 0
    await world.bot.wait_until_ready()
    before = len(answers(world))
    await define_zhalu(world)
    choices = await world.fake.autocomplete(world.guild, world.member, "define", "term", value="zhalu")
    assert choices and "炸炉" in choices[0]["name"]
    assert len(answers(world)) == before + 1


async def test_a_reply_that_meets_a_5xx_then_a_429_still_arrives_exactly_once(world):
    before = len(answers(world))
    world.fake.fail_interactions(500, 429)
    reply = await define_zhalu(world)
    callbacks = [r for r in world.fake.requests if r.method == "POST" and r.path.endswith("/callback")]
    assert len(callbacks[-3:]) == 3 and all(r.body == callbacks[-1].body for r in callbacks[-3:])  # one reply, retried
    assert len(answers(world)) == before + 1  # nothing lost, nothing doubled, no error note
    assert not reply.ephemeral

    world.fake.fail_interactions(503, 429)  # a button's answer too
    card = await world.fake.click(reply.message, world.member, custom_id=reply.message["components"][0]["components"][0]["custom_id"])
    assert card.ephemeral and card.embeds
    assert len(answers(world)) == before + 2


async def test_a_reply_discord_took_but_answered_with_a_5xx_is_not_doubled(world):
    before = len(answers(world))
    world.fake.fail_interactions(500, processed=True)  # the retry then meets "already acknowledged"
    reply = await define_zhalu(world)
    await define_zhalu(world)  # the bot is fine afterwards
    assert len(answers(world)) == before + 2  # one card each, no second copy, no error note
    assert reply.message["embeds"][0]["title"].startswith("炸炉")
