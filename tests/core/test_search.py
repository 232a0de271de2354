"""Search behaviour users notice: tiers, typos, confidence, and which server sees what."""

import random

import pytest
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from bot.core import keys as keys_module
from bot.core.keys import TermKeys, compute_keys
from bot.core.normalize import normalize
from bot.core.search import IndexEntry, SearchIndex


def entry(uid: int, slug: str, term: str, en: str = "", aliases=(), guild_id: int = 0,
          priority: int = 0) -> tuple[IndexEntry, TermKeys]:
    return IndexEntry(uid, guild_id, slug, term, en, priority), compute_keys([term, en, *aliases])


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex.build([
        entry(1, "zhalu", "炸炉", "Overtrained", ["炸丹炉"]),
        entry(2, "feidan", "废丹", "Failed model"),
        entry(3, "liandan", "炼丹", "Model training"),
        entry(4, "mozhang", "魔杖", "Generation parameters"),
        entry(5, "dreambooth", "DreamBooth", "DreamBooth", ["db", "梦展"]),
        entry(6, "seed", "种子", "Seed", ["seed"]),
        entry(7, "mj-seed", "--seed", "Seed parameter"),
        entry(8, "sd", "Stable Diffusion", "Stable Diffusion", ["SD"]),
        entry(9, "denoise", "重绘幅度", "Denoising strength"),
    ])


@pytest.mark.parametrize(
    ("text", "normal"),
    [("ＬｏＲＡ", "lora"), ("炸爐", "炸炉"), ("Stable  Diffusion", "stablediffusion"), ("stable-diffusion", "stablediffusion"),
     ("DALL·E", "dalle"), ("--seed", "--seed"), ("—seed", "--seed"), ("/imagine", "/imagine"), ("::", "::"), ("　ＳＤ ", "sd")],
)
def test_normalisation_folds_trivial_variants(text, normal):
    assert normalize(text) == normal


def test_keys_round_trip_and_fix_domain_readings():
    keys = compute_keys(["重绘幅度", "长宽比"])
    assert "chonghuifudu" in keys.pinyin and "changkuanbi" in keys.pinyin
    assert TermKeys.deserialize(keys.serialize()) == keys


def test_cached_readings_are_pypinyins_readings_of_the_whole_name():
    """Readings are cached per word of pypinyin's own segmentation; names mixing phrases (whose
    readings differ from their characters' own) and polyphonic characters read as a whole would."""
    rng = random.Random(3)
    phrases = sorted(PHRASES_DICT)
    polyphonic = sorted(chr(c) for c, readings in PINYIN_DICT.items() if "," in readings and 0x4E00 <= c <= 0x9FFF)
    names = ["重新长文本", "银行行长", "长宽比重绘", "SD模型调参", "炸炉了"] + [
        "".join(rng.choice(phrases) if rng.random() < 0.5 else rng.choice(polyphonic) for _ in range(rng.randint(1, 4)))
        for _ in range(300)
    ]
    for name in names:
        main, alternatives = lazy_pinyin(name), pinyin(name, style=Style.NORMAL, heteronym=True)
        expected = [[first, *[a for a in alts if a != first]][:2] for first, alts in zip(main, alternatives, strict=True)]
        assert keys_module._readings(name) == expected, name


@pytest.mark.parametrize("query", ["炸炉", "炸爐", "zhalu", "炸芦", "炸丹炉"])
def test_the_ways_people_type_zhalu(index, query):
    resolution = index.resolve(query)
    assert resolution.status == "found" and resolution.hit.entry.slug == "zhalu"


def test_parameter_markers_keep_seed_and_dash_seed_apart(index):
    assert index.resolve("seed").hit.entry.slug == "seed"
    assert index.resolve("--seed").hit.entry.slug == "mj-seed"


def test_initials_rank_below_exact_names(index):
    # "db" is DreamBooth's alias; it is also the initials of nothing here, but mz collides only as initials.
    assert index.resolve("db").hit.entry.slug == "dreambooth"
    assert index.resolve("mz").status == "suggestions"


def test_far_off_queries_are_not_answered_confidently(index):
    assert index.resolve("炸鸡").status != "found"
    assert index.resolve("qxzjvkw").status == "not_found"


def test_prefix_autocomplete(index):
    assert index.search("stab")[0].entry.slug == "sd"
    assert index.search("zha")[0].entry.slug == "zhalu"


def test_servers_see_their_own_terms_only(index):
    index.add(*entry(100, "g-xiaohei", "小黑", "Our mascot", guild_id=111))
    assert index.resolve("小黑", guild_id=111).hit.entry.uid == 100
    assert index.resolve("小黑", guild_id=222).status != "found"
    assert index.resolve("小黑").status != "found"  # not in DMs / the console either


def test_a_server_override_replaces_the_shipped_term_there_only(index):
    index.add(*entry(101, "zhalu", "炸炉", "Our own wording", guild_id=111))
    assert index.resolve("炸炉", guild_id=111).hit.entry.uid == 101
    assert index.resolve("炸炉", guild_id=222).hit.entry.uid == 1


def test_hidden_shipped_terms_disappear_for_that_server(index):
    index.hide(111, "zhalu")
    assert index.resolve("炸炉", guild_id=111).status != "found"
    assert all(h.entry.slug != "zhalu" for h in index.search("zha", guild_id=111))
    index.unhide(111, "zhalu")
    assert index.resolve("炸炉", guild_id=111).hit.entry.slug == "zhalu"


def test_incremental_add_and_remove(index):
    index.add(*entry(50, "comfyui", "ComfyUI", "ComfyUI"))
    assert index.resolve("comfy ui").hit.entry.uid == 50
    index.add(*entry(50, "comfyui", "ComfyUI", "ComfyUI", ["节点界面"]))  # replace in place
    assert index.resolve("节点界面").hit.entry.uid == 50
    index.remove(50)
    assert index.resolve("comfyui").status != "found"
    assert index.get(50) is None and len(index) == 9


def test_priority_breaks_ties_in_popular(index):
    index.add(*entry(60, "lora", "LoRA", "Low-Rank Adaptation", priority=50))
    assert index.popular(limit=1)[0].slug == "lora"


def test_a_typo_near_the_start_of_a_long_name_is_still_found(index):
    # The typo's own bigrams (ts, st) are the rarest; the intact end of the word finds it.
    index.add(*entry(70, "textual-inversion", "文本反演", "Textual Inversion"))
    assert index.resolve("tetxual inversion").hit.entry.uid == 70
    assert index.resolve("textual invresion").hit.entry.uid == 70


def test_a_shared_alias_keeps_its_other_owner_when_one_term_goes(index):
    index.add(*entry(80, "a", "甲术语", "Alpha", ["共享别名"]))
    index.add(*entry(81, "b", "乙术语", "Beta", ["共享别名"]))
    assert {e.uid for e in index.exact_owners("共享别名")} == {80, 81}
    index.remove(80)
    assert [e.uid for e in index.exact_owners("共享别名")] == [81]
    assert index.resolve("共享别名").hit.entry.uid == 81
    index.add(*entry(80, "a", "甲术语", "Alpha"))  # back, without the alias
    assert [e.uid for e in index.exact_owners("共享别名")] == [81]


def test_a_term_added_live_is_found_like_one_loaded_at_start_up():
    terms = [entry(i, f"t{i}", f"术语{i}", f"Term number {i}") for i in range(1, 200)]
    built = SearchIndex.build(terms)
    grown = SearchIndex()
    for pair in terms:
        grown.add(*pair)
    for query in ("term number 17", "术语42", "shuyu42", "term numbr 150", "Term num"):
        assert [h.entry.uid for h in built.search(query)] == [h.entry.uid for h in grown.search(query)]


def test_fuzzy_sounds_fold_the_main_reading_of_a_polyphonic_word(index):
    # 重绘 reads chong hui here (a domain override); c/ch and n/l accents fold onto it and are
    # offered first, as a suggestion rather than a confident answer.
    for query, uid in (("conghuifudu", 9), ("zanu", 1)):
        assert index.search(query)[0].entry.uid == uid
        assert index.resolve(query).suggestions[0].entry.uid == uid


def test_names_containing_a_query_exact_first_then_beginning_then_inside(index):
    index.add(*entry(10, "zhalu-fix", "炸炉修复", "Fixing an overtrained model"))
    index.add(*entry(11, "own-zhalu", "小炸炉", "", guild_id=7))
    assert [e.slug for e in index.containing("炸炉")] == ["zhalu", "zhalu-fix"]
    assert [e.slug for e in index.containing("炸炉", guild_id=7)] == ["zhalu", "zhalu-fix", "own-zhalu"]
    assert [e.slug for e in index.containing("diffusion")] == ["sd"]  # inside "stablediffusion"
    assert [e.slug for e in index.containing("model")] == ["liandan", "feidan", "zhalu-fix"]  # begins, then closest
    assert [e.slug for e in index.containing("train")] == ["zhalu", "liandan", "zhalu-fix"]  # inside, closest first


def test_names_containing_never_include_mere_look_alikes(index):
    assert index.search("炸鸡")  # search suggests look-alikes…
    assert index.containing("炸鸡") == []  # …but no name has 炸鸡 in it
    assert index.containing("zhalu") == []  # a spelling is not a name
