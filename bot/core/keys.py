"""Search keys per term, computed once when the term is written and stored with it.

pypinyin is slow at scale (seconds per 100k terms), so the index is built from
these stored keys and never calls it at start-up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from bot.core.normalize import has_cjk, normalize
from bot.core.pinyin import Style, lazy_pinyin, load_phrases_dict, pinyin, pinyin_words

# pypinyin's phrase dictionary reads these domain words wrongly (重绘 is chong hui here).
load_phrases_dict({
    "重绘": [["chóng"], ["huì"]],
    "重画": [["chóng"], ["huà"]],
    "重新": [["chóng"], ["xīn"]],
    "长宽比": [["cháng"], ["kuān"], ["bǐ"]],
    "宽高比": [["kuān"], ["gāo"], ["bǐ"]],
    "调参": [["tiáo"], ["cān"]],
    "调优": [["tiáo"], ["yōu"]],
    "参数": [["cān"], ["shù"]],
    "炸炉": [["zhà"], ["lú"]],
    "模型": [["mó"], ["xíng"]],
    "模糊": [["mó"], ["hu"]],
    "长文本": [["cháng"], ["wén"], ["běn"]],
    "降噪": [["jiàng"], ["zào"]],
})

# Stored keys are only as good as the normalisation that made them: bump this whenever
# normalize() or compute_keys() changes, and start-up re-keys every stored term once.
# 2: hidden characters (zero-width, bidi, control) are dropped before folding.
# 3: Taiwan phrasing folds to mainland words (tw2sp: 影片 → 视频, 軟體 → 软件).
# 4: each term also stores its one-character-per-token text for short /search queries.
KEYS_VERSION = 4
MAX_READINGS = 4  # alternative readings of polyphonic characters kept per name
_GROUP, _ITEM = "\x1d", "\x1e"  # ASCII group/record separators; normalize() strips control characters
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class TermKeys(NamedTuple):  # a tuple, not a frozen dataclass: start-up makes 100k+ of them
    names: tuple[str, ...]     # normalised names and aliases
    pinyin: tuple[str, ...]    # toneless full pinyin of names with Chinese characters, main reading first
    initials: tuple[str, ...]  # first letters of those syllables (zl for 炸炉)
    sounds: tuple[str, ...] = ()  # main readings with 模糊音 folded (z/zh, n/l, an/ang, ...), unless a spelling

    # Stored as four groups of strings joined with ASCII separators: splitting is several
    # times faster than json.loads, and start-up parses one of these per term.
    def serialize(self) -> str:
        return _GROUP.join(_ITEM.join(group) for group in (self.names, self.pinyin, self.initials, self.sounds))

    @classmethod
    def deserialize(cls, text: str) -> TermKeys:
        names, py, initials, sounds = text.split(_GROUP)
        return cls(_items(names), _items(py), _items(initials), _items(sounds))


def _items(group: str) -> tuple[str, ...]:
    return tuple(group.split(_ITEM)) if group else ()


# Common 模糊音 confusions in pinyin input: folding both sides lets zalu find 炸炉.
_SOUND_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


def sound_fold(spelling: str) -> str:
    for old, new in _SOUND_FOLDS:
        spelling = spelling.replace(old, new)
    return spelling


def _sounds(main_readings: list[str], spellings: list[str]) -> list[str]:
    """模糊音 forms of each name's main reading. Alternative readings of polyphonic characters
    are already a fallback; folding them too would add keys without finding more."""
    folded = dict.fromkeys(sound_fold(s) for s in main_readings)
    return [s for s in folded if s not in spellings]  # a form equal to a spelling is found as that spelling


@lru_cache(maxsize=8192)
def query_pinyin(text: str) -> str:
    """Main pinyin reading of a (normalised) query; '' when it has no Chinese."""
    if not has_cjk(text):
        return ""
    return _NON_ALNUM.sub("", "".join(lazy_pinyin(text, errors="default")).lower())


def _readings(text: str) -> list[list[str]]:
    """Syllables for each character, the phrase-aware reading first."""
    main: list[str] = []
    alternatives: list[tuple[str, ...]] = []
    for word in pinyin_words(text):  # the words pypinyin itself reads text as, in order
        word_main, word_alternatives = _word_readings(word)
        main += word_main
        alternatives += word_alternatives
    if len(main) != len(alternatives):
        return [[syllable] for syllable in main]
    out = []
    for first, alts in zip(main, alternatives, strict=True):
        options = [first] + [a for a in alts if a != first]
        out.append(options[:2])
    return out


@lru_cache(maxsize=65536)
def _word_readings(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """lazy_pinyin and heteronym pinyin of one word of pinyin_words(): pypinyin reads text word
    by word, so a text's readings are its words' readings in order. Most words are single
    characters, which repeat across names: each is read once instead of once per name."""
    return (tuple(lazy_pinyin(word, errors="default")),
            tuple(map(tuple, pinyin(word, style=Style.NORMAL, heteronym=True, errors="default"))))


def _pinyin_forms(text: str) -> tuple[list[str], list[str]]:
    per_char = _readings(text)
    spellings: list[str] = []
    for combo in itertools.islice(itertools.product(*per_char), MAX_READINGS):
        spelling = _NON_ALNUM.sub("", "".join(combo).lower())
        if spelling and spelling not in spellings:
            spellings.append(spelling)
    initials = []
    if all(has_cjk(ch) for ch in text):
        initial = "".join(options[0][:1] for options in per_char).lower()
        if len(initial) >= 2:
            initials.append(initial)
    return spellings, initials


def compute_keys(names: Sequence[str]) -> TermKeys:
    normalised: list[str] = []
    spellings: list[str] = []
    main_readings: list[str] = []
    initials: list[str] = []
    for name in names:
        key = normalize(name)
        if not key or key in normalised:
            continue
        normalised.append(key)
        if has_cjk(key):
            py, ini = _pinyin_forms(key)
            main_readings += py[:1]
            spellings += [p for p in py if p not in spellings]
            initials += [i for i in ini if i not in initials]
    sounds = _sounds(main_readings, spellings)
    return TermKeys(tuple(normalised), tuple(spellings), tuple(initials), tuple(sounds))
