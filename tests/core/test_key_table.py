"""The compact key store the search index is built on."""

import random

from bot.core.key_table import KeyTable


def test_each_distinct_text_gets_one_id_that_finds_it_again():
    table = KeyTable()
    texts = ["炸炉", "zhalu", "lora", "", "ＳＤ", "炸炉", "zhalu"]
    ids, known = table.claim(texts, range(10, 17))
    assert ids == [0, 1, 2, 3, 4, 0, 1]
    assert known == [(0, 15), (1, 16)]  # the second 炸炉 and zhalu: tags for the caller to merge
    assert list(table.tags) == [10, 11, 12, 13, 14]  # a new key keeps the tag it came with
    assert [table.text(i) for i in range(5)] == ["炸炉", "zhalu", "lora", "", "ＳＤ"]
    assert table.find("lora") == 2 and table.find("loras") == -1 and len(table) == 5


def test_growing_far_past_its_first_size_loses_nothing():
    rng = random.Random(7)
    texts = list(dict.fromkeys("".join(rng.choice("abc炼丹炉xyz") for _ in range(rng.randint(1, 9))) for _ in range(5000)))
    table = KeyTable()
    ids = [table.claim([t], [0])[0][0] for t in texts]
    assert ids == list(range(len(texts)))
    assert all(table.find(t) == i and table.text(i) == t for i, t in enumerate(texts))


def test_byte_order_is_text_order_forwards_and_backwards():
    table = KeyTable()
    texts = ["lora", "炸炉", "lo", "zhalu", "ａ", "loRA", "炼丹", "a炉"]
    table.claim(texts, [0] * len(texts))
    by_key = table.in_order(range(len(texts)))
    assert [table.text(i) for i in by_key] == sorted(texts)
    assert list(by_key) == sorted(range(len(texts)), key=table.sort_key)
    by_tail = table.in_order(range(len(texts)), by_tail=True)
    assert list(by_tail) == sorted(range(len(texts)), key=table.tail_key)
    ends_together = [table.text(i) for i in by_tail]
    assert abs(ends_together.index("炸炉") - ends_together.index("a炉")) == 1  # keys that end alike sit together


def test_having_finds_keys_with_the_text_inside_as_text_does():
    rng = random.Random(3)
    texts = list(dict.fromkeys("".join(rng.choice("ab炼丹炉é") for _ in range(rng.randint(1, 6))) for _ in range(500)))
    table = KeyTable()
    ids, _ = table.claim(texts, [0] * len(texts))
    for needle in ["炼丹", "丹", "a炉", "é", "bé炉", "ab"]:
        assert table.having(ids, needle) == [i for i, t in zip(ids, texts, strict=True) if needle in t], needle
