"""pypinyin's phrases as the bot holds them: the same readings and segmentation as pypinyin's own."""

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pypinyin
from pypinyin.seg.mmseg import PrefixSet, Seg

from bot.core.pinyin import SortedPrefixes, _compact

REPO = Path(__file__).resolve().parents[2]
PHRASES_JSON = Path(pypinyin.__file__).with_name("phrases_dict.json")


def _phrases() -> dict[str, list[list[str]]]:
    return json.loads(PHRASES_JSON.read_text(encoding="utf-8"))


def test_compact_phrases_hold_the_same_readings_with_shared_lists():
    raw = _phrases()
    compact = _compact(raw)
    assert compact == raw and list(compact) == list(raw)
    assert len({id(options) for readings in compact.values() for options in readings}) < 2000


def test_sorted_prefixes_segment_as_pypinyins_prefix_set():
    words = list(_phrases())
    reference, sorted_prefixes = PrefixSet(), SortedPrefixes()
    reference.train(words)
    sorted_prefixes.train(words[:1000])
    sorted_prefixes.train(words)  # training again only adds, as pypinyin's retrain does
    rng = random.Random(11)
    chars = sorted({ch for word in words for ch in word})
    texts = ["".join(rng.choice(words) if rng.random() < 0.6 else rng.choice(chars) for _ in range(rng.randint(1, 6)))
             for _ in range(3000)]
    for text in texts:
        prefixes = [text[:i] for i in range(1, len(text) + 1)]
        assert [p in sorted_prefixes for p in prefixes] == [p in reference for p in prefixes], text
        assert list(Seg(sorted_prefixes, no_non_phrases=True).cut(text)) == list(
            Seg(reference, no_non_phrases=True).cut(text)), text


def test_the_bot_loads_pypinyins_phrases_compactly():
    """Run where pypinyin is first imported through the bot, as in `python -m bot` (here in the
    test session pypinyin may already have loaded its phrases itself)."""
    script = textwrap.dedent("""
        import json, os, sys
        import bot.core.keys
        from pypinyin.constants import PHRASES_DICT
        from pypinyin.seg import mmseg
        print(json.dumps({"count": len(PHRASES_DICT), "lists": len({id(o) for r in PHRASES_DICT.values() for o in r}),
                          "chonghui": PHRASES_DICT["重绘"], "prefix_set": type(mmseg.seg._prefix_set).__name__,
                          "pypinyin_json": "pypinyin.phrases_dict" in sys.modules,
                          "switches_left": [k for k in os.environ if k.startswith("PYPINYIN_")]}))
    """)
    out = json.loads(subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout)
    assert out["count"] >= len(_phrases()) and out["lists"] < 2000
    assert out["chonghui"] == [["chóng"], ["huì"]]  # our readings still override pypinyin's
    assert out["prefix_set"] == "SortedPrefixes" and not out["pypinyin_json"]
    assert out["switches_left"] == []  # a process started from the bot must not inherit them
