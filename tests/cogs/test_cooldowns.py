"""Per-member cooldowns through the simulated Discord: a friendly refusal, moderators spared."""

import re

from bot.ui.cooldowns import CARD_BUTTON_RATE, RANDOM_RATE, SUGGEST_RATE
from tests.support.fake_discord import MODAL

WAIT_ZH = re.compile(r"^操作太频繁了，请 (\d+) 秒后再试。$")
WAIT_EN = re.compile(r"^You're doing that too often; try again in (\d+) s\.$")


async def test_suggestterm_is_limited_per_member_and_not_for_moderators(world):
    review = await world.fake.create_channel(world.guild, "审核区")
    await world.fake.slash(world.guild, world.moderator, "glossary config review_channel", channel=review)
    rate, per = SUGGEST_RATE
    for _ in range(rate):
        assert (await world.fake.slash(world.guild, world.member, "suggestterm", category="slang")).type == MODAL

    refused = await world.fake.slash(world.guild, world.member, "suggestterm", category="slang")
    assert refused.ephemeral and refused.type != MODAL
    seconds = int(WAIT_ZH.match(refused.content)[1])
    assert 0 < seconds <= per
    english = await world.fake.slash(world.guild, world.member, "suggestterm", category="slang", locale="en-US")
    assert WAIT_EN.match(english.content)
    assert not refused.message.get("mentions") and not world.fake.channel_posts(review.id)

    other = world.guild.add_member("另一位成员")
    assert (await world.fake.slash(world.guild, other, "suggestterm", category="slang")).type == MODAL
    for _ in range(rate + 2):
        assert (await world.fake.slash(world.guild, world.moderator, "suggestterm", category="slang")).type == MODAL


async def test_another_term_button_is_limited_per_member_and_not_for_moderators(world):
    preview = await world.fake.slash(world.guild, world.moderator, "daily preview")
    post = preview.message  # the same buttons as the public daily post
    rate, per = CARD_BUTTON_RATE
    for _ in range(rate):
        card = await world.fake.click(post, world.member, custom_id="liandan:random")
        assert card.ephemeral and card.embeds

    refused = await world.fake.click(post, world.member, custom_id="liandan:random")
    assert refused.ephemeral and not refused.embeds
    assert 0 < int(WAIT_ZH.match(refused.content)[1]) <= per
    card = (await world.fake.slash(world.guild, world.member, "define", term="炸炉")).message
    related = card["components"][0]["components"][0]["custom_id"]
    same_budget = await world.fake.click(card, world.member, custom_id=related)
    assert WAIT_ZH.match(same_budget.content)

    for _ in range(rate + 2):
        assert (await world.fake.click(post, world.moderator, custom_id="liandan:random")).embeds
    newcomer = world.guild.add_member("路人")
    assert (await world.fake.click(post, newcomer, custom_id="liandan:random")).embeds


async def test_random_public_cards_are_limited_per_member_and_not_for_moderators(world):
    rate, per = RANDOM_RATE
    for _ in range(rate):
        card = await world.fake.slash(world.guild, world.member, "random")
        assert card.embeds and not card.ephemeral
    refused = await world.fake.slash(world.guild, world.member, "random")
    assert refused.ephemeral and not refused.embeds and 0 < int(WAIT_ZH.match(refused.content)[1]) <= per
    for _ in range(rate + 2):
        assert (await world.fake.slash(world.guild, world.moderator, "random")).embeds
