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

import asyncio
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import ahocorasick
import opencc

from bot.core.normalize import MAX_INPUT, strip_hidden

MAX_TEXT = 6000  # characters scanned: a message (2,000) plus its embeds' text
SNAPSHOT_CHUNK = 10_000  # terms whose names a build reads between two turns of the event loop (~30 ms)
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


def _folded_chars(text: str) -> list[str]:
    """Each character of text folded (a comprehension over the cache: this runs per character)."""
    cache = _fold_cache
    return [cache[char] if char in cache else _fold_char(char) for char in text]


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    parts = _folded_chars(text[:MAX_TEXT])
    origins = [i for i, part in enumerate(parts) for _ in part]  # comprehensions: this runs per character
    return "".join(parts), origins


@dataclass(frozen=True, slots=True)
class Mention:
    uid: int
    start: int  # in the original text
    end: int  # exclusive
    surface: str  # the text as written


# A key's owner is packed into one int (uid << 10 | length << 2 | marker) so the automaton stores
# C integers, not Python objects; a key several terms share stores ~index into a list of them.
_MARKER_CODES = ("", "--", "/")
_MAX_KEY = 255  # 8 bits of length; names are at most 80 characters
_CHUNK = 4096  # names converted by OpenCC in one call
Owners = tuple[tuple[int, tuple[int, ...]], ...]  # (marker code, uids) for one key


def _pack(number: int, marker: str, length: int) -> int:
    """A key's owner in one int: the term's number in its automaton (not its uid: the automaton's
    ints are 32-bit, which leaves 21 bits for it), the key's length and its marker."""
    return number << 10 | length << 2 | _MARKER_CODES.index(marker)


def _number(packed: int) -> int:
    return packed >> 10


def _length(packed: int) -> int:
    return (packed >> 2) & _MAX_KEY


def _fold(text: str) -> str:
    return "".join(_folded_chars(text))


def _split_marker(name_key: str) -> tuple[str, str]:
    marker = "--" if name_key.startswith("--") else "/" if name_key.startswith("/") else ""
    return name_key[len(marker):], marker


def match_keys(names: Iterable[tuple[int, str]]) -> Iterator[tuple[str, int]]:
    """(folded key, packed owner) for each (number, stored name): the name itself and, for Chinese,
    its Taiwan form. OpenCC converts a chunk of names in one call, a fraction of the cost of one
    call per name at 100k terms; chunks keep what is held at once small."""
    chunk: list[tuple[int, str]] = []
    for item in names:
        chunk.append(item)
        if len(chunk) == _CHUNK:
            yield from _chunk_keys(chunk)
            chunk = []
    yield from _chunk_keys(chunk)


def _chunk_keys(names: list[tuple[int, str]]) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    chinese: list[tuple[str, int, str]] = []
    for uid, name_key in names:
        core, marker = _split_marker(name_key)
        if not core or (len(core) == 1 and _CJK_CHAR.match(core)) or len(core) > _MAX_KEY:
            continue
        keys.append((core, _pack(uid, marker, len(core))))
        if _CJK_CHAR.search(core):
            chinese.append((core, uid, marker))
    converted = _S2TWP.convert("\n".join(core for core, _, _ in chinese)).split("\n") if chinese else []
    if len(converted) != len(chinese):  # a conversion that ate a line break: one at a time instead
        converted = [_S2TWP.convert(core) for core, _, _ in chinese]
    for (core, uid, marker), taiwan in zip(chinese, converted, strict=True):
        folded = _fold(taiwan)
        if folded and folded != core and len(folded) <= _MAX_KEY:
            keys.append((folded, _pack(uid, marker, len(folded))))
    return keys


class TermMatcher:
    """One automaton over a set of terms (the shipped glossary, or one server's own terms).

    It holds only uids and asks names_of(uid) for the stored keys when it builds, so the names
    live once, in the search index. Built on first use and again after a change: `prepare` builds
    without stalling the event loop (about 1 s at 100k terms in one server), `scan` inline.
    """

    def __init__(self, names_of: Callable[[int], Iterable[str]]) -> None:
        self._names_of = names_of
        self._uids: set[int] = set()
        self._automaton: ahocorasick.Automaton | None = None
        self._shared: list[tuple[int, Owners]] = []  # (key length, owners) of keys several terms share
        self._numbered: list[int] = []  # uid of each term number the automaton holds
        self._changes = 0  # moves on with every add or discard, so a build can tell it is stale
        self._building: asyncio.Future | None = None

    def __len__(self) -> int:
        return len(self._uids)

    def add(self, uid: int) -> None:
        self._uids.add(uid)
        self._automaton = None
        self._changes += 1

    def discard(self, uid: int) -> None:
        if uid in self._uids:
            self._uids.discard(uid)
            self._automaton = None
            self._changes += 1

    async def prepare(self) -> None:
        """Build a stale automaton off the event loop: the names are read here, a chunk at a time
        (the index is only safe to read from this thread), and the automaton is built in a worker
        thread. Callers share one build; a change during it makes it build again."""
        while self._automaton is None:
            if self._building is None:
                self._building = asyncio.ensure_future(self._build_off_loop())
            await asyncio.shield(self._building)

    async def _build_off_loop(self) -> None:
        try:
            changes = self._changes
            names: list[tuple[int, str]] = []
            for i, uid in enumerate(list(self._uids), 1):
                names.extend((uid, name) for name in self._names_of(uid))
                if i % SNAPSHOT_CHUNK == 0:
                    await asyncio.sleep(0)
            built = await asyncio.to_thread(_build, names)
            if self._changes == changes:
                self._automaton, self._shared, self._numbered = built
        finally:
            self._building = None

    def scan(self, folded: str) -> list[tuple[int, int, Owners]]:
        """(start, end) in folded text and the owners of the key ending there, longest
        non-overlapping first."""
        if self._automaton is None:
            built = _build((uid, name) for uid in self._uids for name in self._names_of(uid))
            self._automaton, self._shared, self._numbered = built
        if not len(self._automaton) or not folded:
            return []
        shared = self._shared
        found = []
        for end, value in self._automaton.iter_long(folded):
            if value < 0:
                length, owners = shared[~value]
            else:
                length, owners = _length(value), ((value & 3, (self._numbered[_number(value)],)),)
            found.append((end - length + 1, end + 1, owners))
        return found


Built = tuple[ahocorasick.Automaton, list[tuple[int, Owners]], list[int]]


def _build(names: Iterable[tuple[int, str]]) -> Built:
    """The automaton over (uid, stored name) pairs, the owners of keys several terms share, and
    the uid of each term number."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    shared: list[tuple[int, ...]] = []
    numbered: list[int] = []
    for key, packed in match_keys(_numbered(names, numbered)):
        if not automaton.exists(key):
            automaton.add_word(key, packed)
            continue
        current = automaton.get(key)
        owners = shared[~current] if current < 0 else (current,)
        if packed in owners:
            continue
        if current < 0:
            shared[~current] = (*owners, packed)
        else:
            shared.append((*owners, packed))
            automaton.add_word(key, ~(len(shared) - 1))
    if len(automaton):
        automaton.make_automaton()
    return automaton, [(_length(owners[0]), _grouped(owners, numbered)) for owners in shared], numbered


def _numbered(names: Iterable[tuple[int, str]], numbered: list[int]) -> Iterator[tuple[int, str]]:
    """(number, name) for each (uid, name), numbering terms in order of appearance into `numbered`."""
    numbers: dict[int, int] = {}
    for uid, name in names:
        number = numbers.get(uid)
        if number is None:
            number = numbers[uid] = len(numbered)
            numbered.append(uid)
        yield number, name


def _grouped(owners: tuple[int, ...], numbered: list[int]) -> Owners:
    """Owners by marker: the firing rule depends only on the marker, so each is judged once."""
    by_code: dict[int, list[int]] = {}
    for packed in owners:
        by_code.setdefault(packed & 3, []).append(numbered[_number(packed)])
    return tuple((code, tuple(uids)) for code, uids in by_code.items())


def _is_word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and _ASCII_WORD.match(text[i]) is not None


def _fires(text: str, start: int, end: int, marker: str) -> bool:
    surface = text[start:end]
    if surface[:1].isascii() and _is_word_char(text, start - 1):
        return False
    if surface[-1:].isascii() and _is_word_char(text, end):
        return False
    if marker:  # the marker makes even a short name specific: --ar, /info
        return text[:start].rstrip().endswith(_MARKERS[marker])
    if _CJK_CHAR.search(surface) and any(c.isspace() for c in surface):
        return False  # 丹 炉 is two words, not 丹炉
    core = re.sub(r"[^0-9A-Za-z]", "", surface)
    return not (surface.isascii() and len(core) <= 2 and not (core.isupper() or core.isdigit()))


def _first_firing(text: str, start: int, end: int, owners: Owners, visible: Callable[[int], bool]) -> int | None:
    """The first visible term whose rule fires here (a short alias many terms share is judged
    once per marker, not once per owner)."""
    for code, uids in owners:
        if _fires(text, start, end, _MARKER_CODES[code]):
            for uid in uids:
                if visible(uid):
                    return uid
    return None


def find_mentions(
    text: str, matchers: Iterable[TermMatcher], visible: Callable[[int], bool]
) -> list[Mention]:
    """Every visible term the text mentions, in order of appearance, each once."""
    folded, origins = fold_with_origins(text)
    found: list[tuple[int, int, Owners]] = []
    for matcher in matchers:
        found.extend(matcher.scan(folded))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    mentions: list[Mention] = []
    seen: set[int] = set()
    taken_until = 0
    for start, end, owners in found:
        if start < taken_until:
            continue  # overlaps a longer or earlier match
        o_start, o_end = origins[start], origins[end - 1] + 1
        uid = _first_firing(text, o_start, o_end, owners, visible)
        if uid is None:
            continue
        taken_until = end
        if uid not in seen:
            seen.add(uid)
            mentions.append(Mention(uid, o_start, o_end, text[o_start:o_end]))
    return mentions


__all__ = ["MAX_INPUT", "Mention", "TermMatcher", "find_mentions", "fold_with_origins"]
