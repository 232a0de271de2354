"""Find every glossary term mentioned in a piece of text ("explain this message").

Keys are the same normalised names and aliases the search index stores (never pinyin or
initials), matched with an Aho–Corasick automaton (pyahocorasick) over the text folded the way
queries are, character by character, so each match maps back to its place in the original.

Rules, so ordinary chat doesn't light up:
- a name of one Chinese character (丹, 炉, 抽) never fires on its own;
- an ASCII name of one or two letters fires only when written in capitals (SD, MJ, AI: not "ti",
  "db" or "hn" inside ordinary English);
- an ASCII name needs word boundaries: "ti" never fires inside "time";
- Midjourney parameters and commands need their marker in the text (`--ar`, `/imagine`);
- the longest match wins and matches never overlap.

Taiwan phrasing finds its terms too: each Chinese key is also added in its Traditional (Taiwan)
form, so 影片 finds 视频 and 記憶體 finds 内存.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ahocorasick
import opencc

from bot.core.normalize import MAX_INPUT, strip_hidden

MAX_TEXT = 6000  # characters scanned: a message (2,000) plus its embeds' text
_T2S = opencc.OpenCC("tw2sp")
_S2TWP = opencc.OpenCC("s2twp")
_SEPARATOR_CHARS = re.compile(r"[\s\-_.·・'’‘\"“”/\\,，、:：;；!！?？()（）\[\]【】「」《》<>]")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_MARKERS = {"--": ("--", "—", "–", "－－"), "/": ("/", "／")}

_fold_cache: dict[str, str] = {}


def _fold_char(char: str) -> str:
    """One character as normalize() would fold it, minus phrase-level conversions."""
    folded = _fold_cache.get(char)
    if folded is None:
        folded = strip_hidden(unicodedata.normalize("NFKC", char))
        if folded and not folded.isascii():
            folded = _T2S.convert(folded)
        folded = "" if _SEPARATOR_CHARS.fullmatch(folded or " ") else folded.casefold()
        if len(_fold_cache) < 200_000:
            _fold_cache[char] = folded
    return folded


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    parts: list[str] = []
    origins: list[int] = []
    for i, char in enumerate(text[:MAX_TEXT]):
        folded = _fold_char(char)
        if folded:
            parts.append(folded)
            origins.extend([i] * len(folded))
    return "".join(parts), origins


@dataclass(frozen=True, slots=True)
class Mention:
    uid: int
    start: int  # in the original text
    end: int  # exclusive
    surface: str  # the text as written


@dataclass(frozen=True, slots=True)
class _Key:
    uid: int
    marker: str  # "", "--" or "/": must precede the match in the original text
    length: int


def _match_keys(name_key: str) -> list[tuple[str, str]]:
    """(folded key, marker) pairs one stored name is matched by."""
    marker = "--" if name_key.startswith("--") else "/" if name_key.startswith("/") else ""
    core = name_key[len(marker):]
    if not core or (len(core) == 1 and _CJK_CHAR.match(core)):
        return []
    keys = [(core, marker)]
    if _CJK_CHAR.search(core):
        taiwan = fold_with_origins(_S2TWP.convert(core))[0]
        if taiwan and taiwan != core:
            keys.append((taiwan, marker))
    return keys


class TermMatcher:
    """One automaton over a set of terms (the shipped glossary, or one server's own terms).

    It holds only uids and asks names_of(uid) for the stored keys when it builds, so the names
    live once, in the search index. Built on first use and again after a change.
    """

    def __init__(self, names_of: Callable[[int], Iterable[str]]) -> None:
        self._names_of = names_of
        self._uids: set[int] = set()
        self._automaton: ahocorasick.Automaton | None = None

    def __len__(self) -> int:
        return len(self._uids)

    def add(self, uid: int) -> None:
        self._uids.add(uid)
        self._automaton = None

    def discard(self, uid: int) -> None:
        if uid in self._uids:
            self._uids.discard(uid)
            self._automaton = None

    def _build(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for uid in self._uids:
            for name in self._names_of(uid):
                for key, marker in _match_keys(name):
                    owners = automaton.get(key, None) if automaton.exists(key) else None
                    entry = _Key(uid, marker, len(key))
                    automaton.add_word(key, (*owners, entry) if owners else (entry,))
        if len(automaton):
            automaton.make_automaton()
        return automaton

    def scan(self, folded: str) -> list[tuple[int, int, tuple[_Key, ...]]]:
        """(start, end) in folded text and the keys ending there, longest non-overlapping first."""
        if self._automaton is None:
            self._automaton = self._build()
        if not len(self._automaton) or not folded:
            return []
        return [(end - keys[0].length + 1, end + 1, keys) for end, keys in self._automaton.iter_long(folded)]


def _is_word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and _ASCII_WORD.match(text[i]) is not None


def _fires(text: str, start: int, end: int, key: _Key) -> bool:
    surface = text[start:end]
    if surface[:1].isascii() and _is_word_char(text, start - 1):
        return False
    if surface[-1:].isascii() and _is_word_char(text, end):
        return False
    if key.marker:  # the marker makes even a short name specific: --ar, /info
        return text[:start].rstrip().endswith(_MARKERS[key.marker])
    if _CJK_CHAR.search(surface) and any(c.isspace() for c in surface):
        return False  # 丹 炉 is two words, not 丹炉
    core = re.sub(r"[^0-9A-Za-z]", "", surface)
    return not (surface.isascii() and len(core) <= 2 and not (core.isupper() or core.isdigit()))


def find_mentions(
    text: str, matchers: Iterable[TermMatcher], visible: Callable[[int], bool]
) -> list[Mention]:
    """Every visible term the text mentions, in order of appearance, each once."""
    folded, origins = fold_with_origins(text)
    found: list[tuple[int, int, tuple[_Key, ...]]] = []
    for matcher in matchers:
        found.extend(matcher.scan(folded))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    mentions: list[Mention] = []
    seen: set[int] = set()
    taken_until = 0
    for start, end, keys in found:
        if start < taken_until:
            continue  # overlaps a longer or earlier match
        o_start, o_end = origins[start], origins[end - 1] + 1
        key = next((k for k in keys if visible(k.uid) and _fires(text, o_start, o_end, k)), None)
        if key is None:
            continue
        taken_until = end
        if key.uid not in seen:
            seen.add(key.uid)
            mentions.append(Mention(key.uid, o_start, o_end, text[o_start:o_end]))
    return mentions


__all__ = ["MAX_INPUT", "Mention", "TermMatcher", "find_mentions", "fold_with_origins"]
