"""The empty autocomplete box: each server's best terms, kept current as terms are written."""

import random

from bot.core.keys import compute_keys
from bot.core.search import IndexEntry, SearchIndex

A, B = 11, 22


def add(index: SearchIndex, uid: int, slug: str, term: str, guild_id: int = 0, priority: int = 0) -> None:
    index.add(IndexEntry(uid, guild_id, slug, term, "", priority), compute_keys([term]))


def slugs(index: SearchIndex, guild_id: int, limit: int = 25) -> list[str]:
    return [e.slug for e in index.popular(guild_id=guild_id, limit=limit)]


def test_a_servers_popular_terms_follow_its_writes():
    index = SearchIndex()
    with index.bulk_load():
        for i in range(30):
            add(index, i + 1, f"s{i}", f"术语{i}", priority=i)
    assert slugs(index, A, 3) == ["s29", "s28", "s27"]
    add(index, 100, "mine", "我的词", guild_id=A, priority=100)
    assert slugs(index, A, 2) == ["mine", "s29"]
    assert slugs(index, B, 1) == ["s29"]  # another server never sees A's term
    assert slugs(index, 0, 1) == ["s29"]
    add(index, 101, "s29", "术语29改", guild_id=A, priority=-5)  # A's own version of s29, ranked low
    assert slugs(index, A, 3) == ["mine", "s28", "s27"]
    assert "s29" in slugs(index, A, 40) and slugs(index, B, 1) == ["s29"]
    add(index, 100, "mine", "我的词", guild_id=A, priority=0)  # edited: priority dropped
    assert slugs(index, A, 1) == ["s28"]
    index.remove(100)
    assert "mine" not in slugs(index, A, 40)
    index.hide(B, "s28")
    assert slugs(index, B, 2) == ["s29", "s27"]
    index.set_lookups(B, {"s0": 3, "s1": 3, "s28": 9})  # B's lookups lead its box; s28 is hidden there
    assert slugs(index, B, 4) == ["s1", "s0", "s29", "s27"]  # equal counts: higher priority first
    assert slugs(index, B, 1) == ["s1"]
    assert slugs(index, A, 1) == ["s28"] and slugs(index, 0, 1) == ["s29"]  # nobody else's order moved
    index.set_lookups(B, {})
    assert slugs(index, B, 1) == ["s29"]


def test_popular_matches_a_full_sort_after_random_writes():
    rng = random.Random(5)
    index = SearchIndex()
    uid = 0
    for _ in range(400):
        guild = rng.choice([0, A, B])
        if rng.random() < 0.25 and len(index):
            index.remove(rng.choice([e.uid for e in index._entries.values()]))
            continue
        uid += 1
        add(index, rng.choice([uid, max(1, uid - 3)]), f"t{rng.randrange(60)}", "词" * rng.randint(1, 4),
            guild_id=guild, priority=rng.randrange(5))
    for guild in (0, A, B):
        visible = [e for e in index._entries.values() if index._visible(e, guild)]
        expected = sorted(visible, key=lambda e: (-e.priority, len(e.term), e.uid))[:25]
        assert index.popular(guild_id=guild) == expected
