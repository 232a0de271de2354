"""「解释术语」, the message context menu, through the simulated Discord."""

import re

from tests.support.fake_discord import CHANNEL_MESSAGE, MESSAGE_UPDATE

MENU = "解释术语"
CHAT = "昨天又炸炉了，换个底模加 LoRA 重新跑图"
MANY = ("人工智能，通用人工智能，AIGC，UGC，PGC，深度学习，神经网络，推理，训练，自然语言处理，自然语言生成，"
        "大语言模型，GAN，VAE，标准化流，扩散模型，DDPM，Transformer，自注意力，BERT，GPT，T5，ViT，CLIP，"
        "OpenCLIP，RLHF，奖励模型，微调，预训练，多模态")


def listed(reply) -> list[str]:
    """The term names of the answer's current page, in the order shown."""
    return re.findall(r"^\d+\. \*\*(.+?)(?: · .+?)?\*\*", reply.embeds[0]["description"], re.M)


def menu_of(reply) -> dict:
    (menu,) = [c for row in reply.components for c in row["components"] if c["type"] == 3]
    return menu


async def test_lists_the_terms_of_a_message_in_the_bots_server(world):
    message = world.fake.post(world.member, world.channel, CHAT)
    reply = await world.fake.message_command(message, world.member, MENU)
    assert reply.type == CHANNEL_MESSAGE and reply.ephemeral
    assert listed(reply) == ["炸炉", "底模", "LoRA", "跑图"]
    assert "（4 个）" in reply.embeds[0]["title"]
    assert [o["value"] for o in menu_of(reply)["options"]] == ["zhalu", "checkpoint", "lora", "paotu"]
    assert all(o.get("description") for o in menu_of(reply)["options"])  # each with its summary
    card = await world.fake.select(reply.message, world.member, ["checkpoint"])
    assert card.ephemeral and card.embeds[0]["title"].startswith("底模")


async def test_lists_the_same_terms_where_the_bot_was_never_added(world):
    guild = world.fake.add_guild("别人的服务器", bot_installed=False)
    channel = guild.add_text_channel("闲聊")
    author, reader = guild.add_member("画师"), guild.add_member("新人")
    message = world.fake.post(author, channel, CHAT)
    reply = await world.fake.message_command(message, reader, MENU)
    assert reply.ephemeral and listed(reply) == ["炸炉", "底模", "LoRA", "跑图"]
    card = await world.fake.select(reply.message, reader, ["zhalu"])
    assert card.embeds[0]["title"].startswith("炸炉")


async def test_works_in_a_group_dm(world):
    friends = world.fake.add_user("甲"), world.fake.add_user("乙")
    chat = world.fake.group_dm(*friends)
    reply = await world.fake.message_command(world.fake.post(friends[1], chat, CHAT), friends[0], MENU)
    assert listed(reply) == ["炸炉", "底模", "LoRA", "跑图"]


async def test_reads_the_text_of_embeds(world):
    embed = {"title": "今日分享", "description": "用 ControlNet 控制姿势",
             "fields": [{"name": "提示", "value": "记得开高清修复"}], "footer": {"text": "by 跑图机器人"}}
    message = world.fake.post(world.fake.add_user("别的机器人"), world.channel, embeds=[embed])
    reply = await world.fake.message_command(message, world.member, MENU)
    assert listed(reply) == ["ControlNet", "高清修复", "跑图"]


async def test_a_message_without_terms_says_so(world):
    message = world.fake.post(world.member, world.channel, "今天天气不错，出去走走")
    reply = await world.fake.message_command(message, world.member, MENU)
    assert reply.ephemeral and reply.content == "这条消息里没有词库里的术语。" and not reply.components


async def test_the_servers_own_terms_count_only_in_that_server(world):
    await world.bot.services.terms.add(world.guild.id, {
        "term": "小黑", "en": "Our mascot", "category": "slang", "summary": "本服务器的吉祥物。",
        "definition": "一只会画画的猫。"}, world.moderator.id)
    text = "小黑今天又炸炉了"
    here = await world.fake.message_command(world.fake.post(world.member, world.channel, text), world.member, MENU)
    assert listed(here) == ["小黑", "炸炉"]
    guild = world.fake.add_guild("别人的服务器", bot_installed=False)
    channel = guild.add_text_channel("闲聊")
    reader = guild.add_member("新人")
    there = await world.fake.message_command(world.fake.post(reader, channel, text), reader, MENU)
    assert listed(there) == ["炸炉"]


async def test_more_than_25_terms_are_paged_for_the_asker_only(world):
    expected = len({entry.slug for _, entry in world.bot.services.glossary.mentions(MANY, 0)})
    assert expected > 25
    reply = await world.fake.message_command(world.fake.post(world.member, world.channel, MANY), world.member, MENU)
    assert len(listed(reply)) == 25 and len(menu_of(reply)["options"]) == 25
    assert listed(reply)[:3] == ["人工智能", "通用人工智能", "AIGC"]
    assert reply.embeds[0]["footer"]["text"].startswith("第 1/2 页")
    stranger = world.guild.add_member("路人")
    refused = await world.fake.click(reply.message, stranger, label="下一页")
    assert refused.ephemeral and "只属于" in refused.content
    turned = await world.fake.click(reply.message, world.member, label="下一页")
    assert turned.type == MESSAGE_UPDATE and turned.message["id"] == reply.message["id"]
    page_two = listed(turned)
    assert len(page_two) == expected - 25 and page_two[-1] == "多模态"
    assert turned.embeds[0]["footer"]["text"].startswith("第 2/2 页")
    assert all(b.get("disabled") for b in turned.buttons if b["label"] == "下一页")
    card = await world.fake.select(turned.message, world.member, [menu_of(turned)["options"][-1]["value"]])
    assert card.embeds[0]["title"].startswith("多模态")
    back = await world.fake.click(turned.message, world.member, label="上一页")
    assert listed(back)[0] == "人工智能"


async def test_a_taiwan_reader_gets_the_list_in_traditional_chinese(world):
    message = world.fake.post(world.member, world.channel, CHAT)
    reply = await world.fake.message_command(message, world.member, MENU, locale="zh-TW")
    assert listed(reply) == ["炸爐", "底模", "LoRA", "跑圖"]
    assert reply.embeds[0]["title"].startswith("這條訊息裡的術語")
    card = await world.fake.select(reply.message, world.member, ["zhalu"], locale="zh-TW")
    assert card.embeds[0]["title"].startswith("炸爐")
    empty = world.fake.post(world.member, world.channel, "今天天气不错")
    nothing = await world.fake.message_command(empty, world.member, MENU, locale="zh-TW")
    assert nothing.content == "這條訊息裡沒有詞庫裡的術語。"
