"""/search, /browse and /random through the simulated Discord."""

import asyncio

from bot.client import LiandanBot
from bot.core.glossary import Glossary
from tests.cogs.test_moderation import add_term
from tests.conftest import DATA_DIR


def listed(reply) -> str:
    return reply.embeds[0]["description"]


async def test_search_finds_terms_whose_definitions_talk_about_it(world):
    reply = await world.fake.slash(world.guild, world.member, "search", query="扩散模型")
    assert not reply.ephemeral
    lines = listed(reply).splitlines()
    assert lines[0].startswith("1. **扩散模型") and len(lines) == 10
    assert "第 1/" in reply.embeds[0]["footer"]["text"]


async def test_a_two_character_query_finds_the_terms_that_contain_it(world):
    reply = await world.fake.slash(world.guild, world.member, "search", query="噪点")
    assert "炸炉" in listed(reply)


async def test_english_search_and_a_miss(world):
    reply = await world.fake.slash(world.guild, world.member, "search", query="face swap")
    assert reply.embeds and "face" in listed(reply).lower()
    miss = await world.fake.slash(world.guild, world.member, "search", query="完全不存在的东西")
    assert miss.ephemeral and miss.content.startswith("没有找到")


async def test_pages_turn_for_the_asker_only_and_a_pick_opens_the_card(world):
    reply = await world.fake.slash(world.guild, world.member, "search", query="模型")
    first_page = listed(reply)
    stranger = await world.fake.click(reply.message, world.moderator, label="下一页")
    assert stranger.ephemeral and "只属于" in stranger.content
    turned = await world.fake.click(reply.message, world.member, label="下一页")
    assert turned.message["embeds"][0]["description"] != first_page
    assert turned.message["embeds"][0]["description"].startswith("11. ")
    (menu,) = [c for row in turned.message["components"] for c in row["components"] if c["type"] == 3]
    card = await world.fake.select(turned.message, world.member, [menu["options"][0]["value"]])
    assert card.ephemeral and card.embeds[0]["title"]


async def test_search_sees_what_the_server_sees(world):
    await add_term(world, world.moderator, term="小黑", definition="一只会画扩散模型的猫。")
    found = await world.fake.slash(world.guild, world.member, "search", query="会画扩散模型的猫")
    assert "小黑" in listed(found)
    question = await world.fake.slash(world.guild, world.moderator, "removeterm", term="炸炉")
    await world.fake.click(question.message, world.moderator, label="确认")
    after = await world.fake.slash(world.guild, world.member, "search", query="噪点")
    assert after.ephemeral or "炸炉" not in listed(after)


async def test_browse_lists_a_category_and_the_overview_counts(world):
    overview = await world.fake.slash(world.guild, world.member, "browse")
    assert "黑话 · Slang" in overview.embeds[0]["description"]
    slang = await world.fake.slash(world.guild, world.member, "browse", category="slang")
    assert slang.embeds[0]["title"].startswith("黑话") and "炸炉" in "".join(
        o["label"] for row in slang.message["components"] for c in row["components"] if c["type"] == 3
        for o in c["options"]) + await _all_pages(world, slang)


async def _all_pages(world, reply) -> str:
    text = listed(reply)
    while any(b["label"] == "下一页" and not b.get("disabled") for b in reply.buttons):
        reply = await world.fake.click(reply.message, world.member, label="下一页")
        text += reply.message["embeds"][0]["description"]
    return text


async def test_random_shows_a_card(world):
    reply = await world.fake.slash(world.guild, world.member, "random", category="slang")
    assert reply.embeds and reply.embeds[0]["fields"]


async def test_a_first_start_that_left_search_unindexed_answers_at_once_and_indexes_once_connected(
        fake_discord, settings):
    glossary, _ = await Glossary.open(settings.database_path, DATA_DIR, defer_fulltext_from=1)
    guild = fake_discord.add_guild("AI 绘画交流")
    guild.add_text_channel("炼丹房")
    member = guild.add_member("小白")
    try:
        assert glossary.fulltext.unindexed_after == 0  # nothing of /search's tables written yet
        await fake_discord.run_bot(LiandanBot(settings, glossary))
        reply = await fake_discord.slash(guild, member, "search", query="扩散模型")
        assert listed(reply).splitlines()[0].startswith("1. **扩散模型")
        for _ in range(2000):  # the bot started the backfill on READY; nothing here starts it
            if glossary.fulltext.unindexed_after is None:
                break
            await asyncio.sleep(0.005)
        assert glossary.fulltext.unindexed_after is None
        again = await fake_discord.slash(guild, member, "search", query="扩散模型")
        assert listed(again).splitlines()[0] == listed(reply).splitlines()[0]
        assert again.embeds[0]["footer"] == reply.embeds[0]["footer"]  # as many found, now ranked by bm25
    finally:
        await fake_discord.stop_bot()
        await glossary.close()


def term_menu(message) -> dict:
    (menu,) = [c for row in message["components"] for c in row["components"] if c["type"] == 3]
    return menu


async def test_anyone_may_open_a_card_from_the_list_but_only_the_asker_turns_it(world):
    reply = await world.fake.slash(world.guild, world.member, "search", query="模型")
    menu = term_menu(reply.message)
    card = await world.fake.select(reply.message, world.moderator, [menu["options"][0]["value"]])
    assert card.ephemeral and card.embeds[0]["title"]
    refused = await world.fake.click(reply.message, world.moderator, label="下一页")
    assert refused.ephemeral and "只属于" in refused.content


async def test_after_a_restart_an_old_list_still_opens_cards_and_its_pages_say_they_expired(world):
    from tests.cogs.test_moderation import restart

    reply = await world.fake.slash(world.guild, world.member, "search", query="模型")
    await restart(world)
    expired = await world.fake.click(reply.message, world.member, label="下一页")
    assert expired.ephemeral and "已过期" in expired.content
    card = await world.fake.select(reply.message, world.member, [term_menu(reply.message)["options"][0]["value"]])
    assert card.ephemeral and card.embeds[0]["title"]
    fresh = await world.fake.slash(world.guild, world.member, "search", query="模型")
    turned = await world.fake.click(fresh.message, world.member, label="下一页")  # a new list turns as before
    assert turned.message["embeds"][0]["description"].startswith("11. ")


async def test_a_list_timing_out_leaves_the_other_lists_working(world, monkeypatch):
    from bot.ui import paging

    monkeypatch.setattr(paging, "PAGE_TIMEOUT", 0.2)
    old = await world.fake.slash(world.guild, world.member, "search", query="模型")
    monkeypatch.setattr(paging, "PAGE_TIMEOUT", 600)
    current = await world.fake.slash(world.guild, world.member, "search", query="扩散")
    await world.fake.wait_for(lambda: not world.fake.message(old.message["id"])["components"], timeout=10)
    turned = await world.fake.click(current.message, world.member, label="下一页")
    assert turned.message["embeds"][0]["description"].startswith("11. ")
    card = await world.fake.select(current.message, world.member, [term_menu(current.message)["options"][0]["value"]])
    assert card.ephemeral and card.embeds[0]["title"]
