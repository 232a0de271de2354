"""The app installed by a user: /define in DMs, group DMs and servers that never added the bot;
quiet answers (private, 删除); zh-TW readers. Through the simulated Discord."""

import pytest

from bot.client import LiandanBot
from tests.support.fake_discord import (
    CHANNEL_MESSAGE,
    DEFERRED_MESSAGE_UPDATE,
    MEMBER_DEFAULT,
    USE_EXTERNAL_APPS,
)

USER_INSTALLABLE = {"integration_types": [0, 1], "contexts": [0, 1, 2]}
DELETE = "liandan:delete:"


def synced(world, name, kind=1):
    (command,) = [c for c in world.fake.synced() if c["name"] == name and c.get("type", 1) == kind]
    return command


def server_without_the_bot(world, *, member_permissions=MEMBER_DEFAULT):
    guild = world.fake.add_guild("别人的服务器", bot_installed=False)
    channel = guild.add_text_channel("闲聊")
    return guild, channel, guild.add_member("路过的画师", permissions=member_permissions)


def delete_button(reply):
    return next((b for b in reply.buttons if b["custom_id"].startswith(DELETE)), None)


async def test_define_and_the_menu_are_offered_in_user_installs_everywhere(world):
    define, menu = synced(world, "define"), synced(world, "解释术语", kind=3)
    for command in (define, menu):
        assert {k: sorted(command[k]) for k in USER_INSTALLABLE} == USER_INSTALLABLE, command["name"]
    assert menu["name_localizations"] == {"en-US": "Explain terms", "en-GB": "Explain terms", "zh-TW": "解釋術語"}
    assert define["description_localizations"]["zh-TW"] == "查詢 AIGC 術語的解釋"
    private = next(o for o in define["options"] if o["name"] == "private")
    assert private["description"] == "只有你能看到回答" and not private.get("required")
    assert world.fake.violations == []  # every synced command passed the limits and the OpenAPI schema


async def test_moderator_commands_stay_with_servers_that_added_the_bot(world):
    moderators = ["addterm", "editterm", "removeterm", "restoreterm", "termhistory", "suggestterm", "glossary", "daily"]
    for name in moderators:
        assert synced(world, name)["integration_types"] == [0], name
    guild, _, member = server_without_the_bot(world)
    with pytest.raises(AssertionError, match="not offered"):  # the Discord client doesn't even show it there
        await world.fake.slash(guild, member, "addterm", category="slang")


async def test_user_installed_define_in_a_dm_answers_the_card(world):
    stranger = world.fake.add_user("私信用户")
    reply = await world.fake.slash(None, stranger, "define", where=world.fake.dm(stranger), term="炸炉")
    assert reply.type == CHANNEL_MESSAGE
    assert reply.embeds[0]["title"].startswith("炸炉")
    assert "guild_id" not in reply.message


async def test_define_in_a_group_dm_and_in_a_server_without_the_bot(world):
    friends = world.fake.add_user("甲"), world.fake.add_user("乙")
    reply = await world.fake.slash(None, friends[0], "define", where=world.fake.group_dm(*friends), term="LoRA")
    assert reply.embeds[0]["title"].startswith("LoRA")
    guild, channel, member = server_without_the_bot(world)
    assert world.bot.get_guild(guild.id) is None  # the bot never joined
    reply = await world.fake.slash(guild, member, "define", where=channel, term="炸炉")
    assert reply.embeds[0]["title"].startswith("炸炉") and not reply.ephemeral


async def test_user_installs_keep_nothing_for_the_place(world):
    gaps = world.bot.services.gaps
    stranger = world.fake.add_user("私信用户")
    guild, channel, member = server_without_the_bot(world)
    await world.fake.slash(None, stranger, "define", where=world.fake.dm(stranger), term="qxzjvkw")
    await world.fake.slash(guild, member, "define", where=channel, term="qxzjvkw")
    await gaps.flush()
    assert await gaps.top(0) == [] and await gaps.top(guild.id) == []
    await world.fake.slash(world.guild, world.member, "define", term="qxzjvkw")  # the bot's own server counts
    await gaps.flush()
    assert await gaps.top(world.guild.id) == [("qxzjvkw", 1)]


async def test_server_terms_stay_in_their_server(world):
    await world.bot.services.terms.add(world.guild.id, {
        "term": "小黑", "en": "Our mascot", "category": "slang", "summary": "本服务器的吉祥物。",
        "definition": "一只会画画的猫。"}, world.moderator.id)
    assert (await world.fake.slash(world.guild, world.member, "define", term="小黑")).embeds
    guild, channel, member = server_without_the_bot(world)
    elsewhere = await world.fake.slash(guild, member, "define", where=channel, term="小黑")
    assert not elsewhere.embeds and elsewhere.content.startswith("没有找到「小黑」")


async def test_private_answers_only_the_asker(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸炉", private=True)
    assert reply.ephemeral and reply.embeds[0]["title"].startswith("炸炉")
    assert delete_button(reply) is None  # nothing public to clean up
    question = await world.fake.slash(world.guild, world.member, "define", term="ar", private=True)
    assert question.ephemeral and "你是不是要找" in question.content


async def test_discord_forces_private_where_external_apps_are_off(world):
    guild, channel, member = server_without_the_bot(world, member_permissions=MEMBER_DEFAULT & ~USE_EXTERNAL_APPS)
    reply = await world.fake.slash(guild, member, "define", where=channel, term="炸炉")
    assert reply.ephemeral and reply.embeds and delete_button(reply) is None


async def test_only_the_asker_can_delete_a_public_card(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    button = delete_button(reply)
    assert button["label"] == "删除" and button["custom_id"] == f"{DELETE}{world.member.id}"
    other = world.guild.add_member("路人")
    refused = await world.fake.click(reply.message, other, custom_id=button["custom_id"])
    assert refused.ephemeral and "只有查询的人" in refused.content
    assert world.fake.message(reply.message["id"]) is not None
    deleted = await world.fake.click(reply.message, world.member, custom_id=button["custom_id"])
    assert deleted.type == DEFERRED_MESSAGE_UPDATE
    assert world.fake.message(reply.message["id"]) is None


async def test_delete_works_where_the_bot_is_not_and_after_a_restart(world, settings, glossary):
    guild, channel, member = server_without_the_bot(world)
    reply = await world.fake.slash(guild, member, "define", where=channel, term="炸炉")
    await world.fake.stop_bot()
    await world.fake.run_bot(LiandanBot(settings, glossary))  # a new process knows nothing of the old views
    await world.fake.click(reply.message, member, custom_id=delete_button(reply)["custom_id"])
    assert world.fake.message(reply.message["id"]) is None  # through the interaction webhook: no channel access


async def test_did_you_mean_turns_into_a_card_its_asker_can_delete(world):
    question = await world.fake.slash(world.guild, world.member, "define", term="ar")
    target = next(b for b in question.buttons if b["label"].startswith("--ar"))
    card = await world.fake.click(question.message, world.member, custom_id=target["custom_id"])
    assert delete_button(card)["custom_id"] == f"{DELETE}{world.member.id}"


async def test_a_public_random_card_is_deletable_by_its_asker(world):
    reply = await world.fake.slash(world.guild, world.member, "random")
    assert delete_button(reply)["custom_id"] == f"{DELETE}{world.member.id}"


async def test_a_taiwan_reader_gets_traditional_chinese(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸炉", locale="zh-TW")
    (embed,) = reply.embeds
    assert embed["title"].startswith("炸爐")
    assert {"分類", "例句", "相關術語", "來源"} <= {f["name"] for f in embed["fields"]}
    assert delete_button(reply)["label"] == "刪除"
    assert "過擬合" in {b["label"] for b in reply.buttons}  # related terms too
    miss = await world.fake.slash(world.guild, world.member, "define", term="qxzjvkw", locale="zh-TW")
    assert miss.content.startswith("沒有找到")
    stranger = world.fake.add_user("台灣用戶")
    dm = await world.fake.slash(None, stranger, "define", where=world.fake.dm(stranger), term="炸爐", locale="zh-TW")
    assert dm.embeds[0]["title"].startswith("炸爐")
