"""pypinyin for the whole bot, with its phrase dictionary held in a fraction of the memory.

Import pypinyin's functions from here, never from pypinyin directly: its environment switches
are read once, when it is first imported. By default pypinyin decodes its 47k-phrase JSON into
~600k objects (every syllable its own string in its own list, ~35 MB), copies both of its
dictionaries, and gives mmseg a set of every prefix of every phrase (~7 MB). The same phrases
load here with one shared list per syllable (pypinyin deep-copies a phrase's readings before
touching them, so sharing is safe), and mmseg's prefix test runs on the sorted phrases.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

os.environ["PYPINYIN_NO_PHRASES"] = "1"  # its phrases are loaded below, compactly
os.environ["PYPINYIN_NO_DICT_COPY"] = "1"  # the copies only guard its data against edits; we only add phrases

import pypinyin
from pypinyin import Style, lazy_pinyin, load_phrases_dict, pinyin
from pypinyin.constants import PHRASES_DICT
from pypinyin.seg import mmseg
from pypinyin.seg.simpleseg import seg as pinyin_words

# Only pypinyin's first import reads them: take them back, so no process started from here inherits them.
del os.environ["PYPINYIN_NO_PHRASES"], os.environ["PYPINYIN_NO_DICT_COPY"]

__all__ = ["Style", "lazy_pinyin", "load_phrases_dict", "pinyin", "pinyin_words"]

Readings = list[list[str]]


class SortedPrefixes:
    """mmseg's prefix test ("does any phrase start with this text?") over the sorted phrases,
    instead of a set holding every prefix of every phrase. Phrases starting with `prefix`
    sort together, from the first phrase not below it."""

    def __init__(self) -> None:
        self._words: list[str] = []

    def train(self, words: Iterable[str]) -> None:
        self._words = sorted(set(self._words).union(words))

    def __contains__(self, prefix: str) -> bool:
        at = bisect_left(self._words, prefix)
        return at < len(self._words) and self._words[at].startswith(prefix)


def _fresh(text: str) -> str:
    """A new string equal to text, so keeping it does not pin the decoded JSON's memory."""
    return text.encode().decode()


def _compact(raw: dict[str, Readings]) -> dict[str, Readings]:
    """raw's phrases with every distinct syllable list made once (1.2k lists instead of 144k).
    Everything kept is newly made: the decoded JSON is freed whole, not left in holes."""
    syllables: dict[tuple[str, ...], list[str]] = {}
    out: dict[str, Readings] = {}
    for phrase, readings in raw.items():
        shared = []
        for options in readings:
            key = tuple(options)
            if key not in syllables:
                syllables[key] = [_fresh(s) for s in options]
            shared.append(syllables[key])
        out[_fresh(phrase)] = shared
    return out


def _load_phrases() -> None:
    if PHRASES_DICT:  # pypinyin was imported before this module and loaded them itself
        return
    path = Path(pypinyin.__file__).with_name("phrases_dict.json")
    PHRASES_DICT.update(_compact(json.loads(path.read_text(encoding="utf-8"))))


mmseg.seg._prefix_set = SortedPrefixes()
_load_phrases()
mmseg.retrain(mmseg.seg)
