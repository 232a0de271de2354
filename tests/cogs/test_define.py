"""/define through discord.py's real code against the simulated Discord."""

import asyncio

from bot.core.glossary import choice_value
from tests.support.fake_discord import CHANNEL_MESSAGE, MESSAGE_UPDATE


async def test_define_answers_with_the_card(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral
    (embed,) = reply.embeds
    assert embed["title"].startswith("炸炉")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert {"分类", "例句", "相关术语", "来源"} <= set(fields)
    assert "《AIGC常见名词解释（字典篇）》" in fields["来源"] and ".txt" not in fields["来源"]
    assert any(b["custom_id"] == "liandan:term:overfitting" for b in reply.buttons)


async def test_english_locale_gets_english_labels(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="lora", locale="en-US")
    fields = {f["name"] for f in reply.embeds[0]["fields"]}
    assert {"Category", "Source"} <= fields


async def test_typos_find_the_term(world):
    for query, expected in [("炸芦", "炸炉"), ("zhalu", "炸炉"), ("炸爐", "炸炉"), ("ＬｏＲＡ", "LoRA")]:
        reply = await world.fake.slash(world.guild, world.member, "define", term=query)
        assert reply.embeds and reply.embeds[0]["title"].startswith(expected), query


async def test_a_miss_is_ephemeral_and_chinese_first(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="qxzjvkw")
    assert reply.ephemeral and not reply.embeds
    assert "没有找到" in reply.content


async def test_did_you_mean_buttons_open_the_card_in_place(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="ar")
    assert "你是不是要找" in reply.content
    labels = [b["label"] for b in reply.buttons]
    assert 1 <= len(labels) <= 5
    target = next(b for b in reply.buttons if b["label"].startswith("--ar"))
    opened = await world.fake.click(reply.message, world.member, custom_id=target["custom_id"])
    assert opened.type == MESSAGE_UPDATE  # the same message turns into the card
    assert opened.message["embeds"][0]["title"].startswith("--ar")
    assert reply.message["id"] == opened.message["id"]


async def test_only_the_asker_can_press_did_you_mean(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="ar")
    other = world.guild.add_member("路人")
    refused = await world.fake.click(reply.message, other, custom_id=reply.buttons[0]["custom_id"])
    assert refused.ephemeral and "只属于" in refused.content
    assert world.fake.messages(world.channel.id)[0]["embeds"] == []  # unchanged


async def test_related_buttons_open_cards_for_anyone(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    other = world.guild.add_member("路人")
    opened = await world.fake.click(reply.message, other, custom_id="liandan:term:overfitting")
    assert opened.ephemeral and opened.embeds[0]["title"].startswith("过拟合")


async def test_autocomplete_suggests_while_typing(world):
    choices = await world.fake.autocomplete(world.guild, world.member, "define", "term", value="zha")
    assert choices[0]["value"] == choice_value("zhalu")
    assert len(choices) <= 25 and all(1 <= len(c["name"]) <= 100 for c in choices)


async def test_empty_autocomplete_shows_popular_terms(world):
    choices = await world.fake.autocomplete(world.guild, world.member, "define", "term", value="")
    assert len(choices) == 25
    assert choices[0]["value"] == choice_value("zhalu")


async def test_picking_a_choice_opens_exactly_that_term(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term=choice_value("mj-seed"))
    assert reply.embeds[0]["title"].startswith("--seed")


async def test_synced_commands_fit_discord_limits_in_both_languages(world):
    (define,) = [c for c in world.fake.synced() if c["name"] == "define"]
    assert define["description"] == "查询 AIGC 术语的解释"
    assert define["description_localizations"]["en-US"].startswith("Explain")
    option = define["options"][0]
    assert option["autocomplete"] is True and option["max_length"] == 100
    # The fake already checked every synced command against Discord's limits; fail loudly if it found anything.
    assert world.fake.violations == []


async def test_did_you_mean_buttons_go_grey_when_the_view_times_out(world):
    world.bot.suggestion_timeout = 0.05
    reply = await world.fake.slash(world.guild, world.member, "define", term="ar")
    message_id = reply.message["id"]
    for _ in range(100):  # the bot edits the message itself once the view expires
        (message,) = [m for m in world.fake.messages(world.channel.id) if m["id"] == message_id]
        if all(b.get("disabled") for row in message["components"] for b in row["components"]):
            break
        await asyncio.sleep(0.02)
    assert message["components"] and all(b.get("disabled") for row in message["components"] for b in row["components"])
    assert message["content"].startswith("没有找到「ar」")  # the question stays readable
    # The message came back with the response: the bot never had to fetch its own reply again.
    assert not [r for r in world.fake.requests if r.method == "GET" and r.path.endswith("/messages/@original")]
