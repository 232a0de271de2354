"""Explain a message: every glossary term it mentions, as a member of a Chinese AI-art server writes."""

import pytest

from bot.core.matcher import fold_with_origins

G1 = 111


def slugs(glossary, text, guild_id=0):
    return [(m.surface, entry.slug) for m, entry in glossary.mentions(text, guild_id)]


async def test_the_sentence_from_the_issue(glossary):
    found = slugs(glossary, "昨天又炸炉了，换个底模加 LoRA 重新跑图")
    assert found == [("炸炉", "zhalu"), ("底模", "checkpoint"), ("LoRA", "lora"), ("跑图", "paotu")]


@pytest.mark.parametrize("text", [
    "今天天气不错，我们去吃饭吧，顺便聊聊周末的安排。",
    "I think the time is right, the db is down and hn is a site.",
    "丹 炉 抽 一个字的词不算",
])
async def test_ordinary_chat_mentions_nothing(glossary, text):
    assert slugs(glossary, text) == []


async def test_short_ascii_names_fire_only_in_capitals_and_whole_words(glossary):
    found = [s for _, s in slugs(glossary, "用 SD 跑了一张，MJ 那边也试了")]
    assert found == ["stable-diffusion", "midjourney"]
    assert slugs(glossary, "sd card and mj") == []


async def test_midjourney_parameters_need_their_marker(glossary):
    found = [s for _, s in slugs(glossary, "加上 --ar 16:9 再 /imagine 一次，ar 不用管")]
    assert found == ["mj-ar", "mj-imagine"]


async def test_traditional_full_width_and_taiwan_phrasing_fold_like_queries(glossary):
    found = [s for _, s in slugs(glossary, "又炸爐了，換個ＬｏＲＡ，再來文生影片")]
    assert found == ["zhalu", "lora", "text-to-video"]


async def test_longest_match_wins_without_overlaps(glossary):
    found = [s for _, s in slugs(glossary, "Stable Diffusion 和 stable-diffusion 是一回事")]
    assert found == ["stable-diffusion"]


async def test_a_servers_own_and_hidden_terms_count_only_in_that_server(glossary):
    from bot.core.moderation import GuildGlossary

    guilds = GuildGlossary(glossary)
    await guilds.add(G1, {"term": "小黑", "en": "Our mascot", "category": "slang", "summary": "吉祥物。",
                          "definition": "一只猫。"}, 7)
    await guilds.remove(G1, "zhalu", 7)
    text = "小黑又炸炉了"
    assert [s for _, s in slugs(glossary, text, G1)] == ["xiao-hei"]
    assert [s for _, s in slugs(glossary, text)] == ["zhalu"]


async def test_a_long_message_is_scanned_whole(glossary):
    text = ("随便聊聊。" * 390) + "最后提一下 ComfyUI"
    assert len(text) > 1900 and [s for _, s in slugs(glossary, text)] == ["comfyui"]


def test_positions_map_back_to_the_original_text():
    folded, origins = fold_with_origins("Ａb-炸爐")
    assert folded == "ab炸炉" and origins == [0, 1, 3, 4]
