"""Explain a message: every glossary term it mentions, as a member of a Chinese AI-art server writes."""

import asyncio

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


def new_shipped_term(uid: int, name: str):
    from bot.core.keys import compute_keys
    from bot.core.models import Category, Term
    from bot.core.store import StoredTerm

    term = Term(id=f"new-{uid}", term=name, en="", category=Category.SLANG, summary="新词。", definition="新词。")
    return StoredTerm(uid=uid, term=term, keys=compute_keys(term.names))


async def test_a_rebuild_after_a_write_lets_the_event_loop_serve_others_meanwhile(glossary, monkeypatch):
    from bot.core import matcher

    monkeypatch.setattr(matcher, "SNAPSHOT_CHUNK", 1)  # a turn of the loop after every term's names
    glossary.upsert(new_shipped_term(10**9, "赛博炼丹炉"))  # the shipped automaton is stale now
    turns = 0

    async def another_member() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(another_member())
    await glossary.prepare_mentions()
    other.cancel()
    assert turns > 100  # the other coroutine ran all through the build (684 terms: 684 turns)
    assert [s for _, s in slugs(glossary, "这是赛博炼丹炉吗")] == ["new-1000000000"]


async def test_a_write_during_a_rebuild_is_in_what_it_builds(glossary, monkeypatch):
    from bot.core import matcher

    monkeypatch.setattr(matcher, "SNAPSHOT_CHUNK", 1)
    glossary.upsert(new_shipped_term(10**9, "赛博炼丹炉"))
    building = asyncio.create_task(glossary.prepare_mentions())
    for _ in range(10):
        await asyncio.sleep(0)  # the build is reading names
    glossary.upsert(new_shipped_term(10**9 + 1, "量子丹方"))  # written while it reads
    await building
    found = [s for _, s in slugs(glossary, "赛博炼丹炉配量子丹方")]
    assert found == ["new-1000000000", "new-1000000001"]


async def test_terms_with_large_ids_are_found(glossary):
    """uids only grow over a database's life (PostgreSQL sequences, deleted rows), and the
    automaton's ints are 32-bit: a term past 2^21 must still be found, alone or sharing a name."""
    glossary.upsert(new_shipped_term(2**21, "赛博炼丹炉"))
    glossary.upsert(new_shipped_term(2**40, "量子丹方"))
    glossary.upsert(new_shipped_term(2**40 + 1, "量子丹方"))  # the same name: a shared key
    found = [s for _, s in slugs(glossary, "赛博炼丹炉配量子丹方")]
    assert found[0] == "new-2097152" and found[1] in {"new-1099511627776", "new-1099511627777"}
