"""Typo-tolerant term search: tiers first, then score, then priority, then shorter name.

Tiers, best first:
  0 exact normalised name or alias       (ＬｏＲＡ, 炸爐, stable-diffusion)
  1 exact pinyin                         (zhalu, 炸芦 → zhalu, 练丹 → liandan)
  2 exact pinyin modulo 模糊音            (zalu, lianddan is not; z/zh c/ch s/sh n/l an/ang en/eng in/ing)
  3 prefix of a name or pinyin           (autocomplete while typing)
  4 initials                             (zl → 炸炉; they collide, so they rank low)
  5 fuzzy: fuzz.ratio on normalised keys, only over candidates that share n-grams

Candidates are narrowed with exact dictionaries, a sorted key list for prefixes and
an n-gram inverted index, so a keystroke never scans every term.
"""

from __future__ import annotations

import bisect
import gc
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.core.keys import TermKeys, query_pinyin, sound_fold
from bot.core.normalize import normalize

EXACT, PINYIN, FUZZY_SOUND, PREFIX, INITIALS, FUZZY = range(6)
_FUZZY_CANDIDATES = 600   # keys scored per probe, drawn from the rarest shared n-grams
_RAREST_GRAMS = 4
_PREFIX_NEIGHBOURS = 60   # keys sharing the probe's first letters, scored alongside
_ENOUGH_BETTER_HITS = 5    # with this many exact/pinyin/prefix hits, skip fuzzy scoring
_MIN_SUGGESTION_SCORE = 60.0

def _grams(text: str) -> set[str]:
    """Bigrams, plus single characters for three-character keys."""
    grams = set(map(str.__add__, text, text[1:]))
    if len(text) == 3:
        # "axc" for "abc" shares no bigram; two-character keys need no unigrams, since one
        # wrong character there scores 50, below any fuzzy cut-off (pinyin rescues those).
        grams.update(text)
    return grams


def fuzzy_threshold(length: int) -> float:
    """Score a fuzzy hit needs to be answered directly; short words need near-identity."""
    if length <= 3:
        return 101.0  # one wrong character in 2–3 is a different word; pinyin tiers rescue those
    if length <= 5:
        return 88.0
    return 85.0


Owners = int | tuple[int, ...]


def _owners(value: Owners | None) -> tuple[int, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


@dataclass(slots=True)
class IndexEntry:
    uid: int
    guild_id: int
    slug: str
    term: str
    en: str
    keys: TermKeys
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    entry: IndexEntry
    tier: int
    score: float

    def rank(self) -> tuple:
        return (self.tier, -self.score, -self.entry.priority, len(self.entry.term), self.entry.uid)


@dataclass(frozen=True, slots=True)
class Resolution:
    status: Literal["found", "suggestions", "not_found"]
    hit: Hit | None
    suggestions: list[Hit]


class SearchIndex:
    """Exact tables map a key to a tuple of uids (most keys have one owner, and a
    tuple is far smaller than a set). N-gram postings are plain lists of key ids;
    removed keys become tombstones, skipped at query time, so writes stay O(keys of
    one term) and a start-up build is a few list appends per key.
    """

    def __init__(self) -> None:
        self._entries: dict[int, IndexEntry] = {}
        # key → owner uid, or a tuple of uids for the rare shared key (an int is far smaller)
        self._names: dict[str, Owners] = {}
        self._pinyin: dict[str, Owners] = {}
        self._sound: dict[str, Owners] = {}
        self._initials: dict[str, Owners] = {}
        self._sorted: list[tuple[str, int]] = []  # (name or pinyin key, uid), for prefix search
        self._grams: dict[str, list[int]] = defaultdict(list)  # n-gram → key ids
        self._key_text: list[str] = []
        self._key_owner: list[int] = []
        self._dead: set[int] = set()
        self._kids_of: dict[int, range] = {}  # a term's keys are added together, so their ids are a range
        self._overrides: dict[int, set[str]] = defaultdict(set)  # guild → slugs it has its own version of
        self._hidden: dict[int, set[str]] = defaultdict(set)
        self._popular: list[IndexEntry] | None = None

    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> SearchIndex:
        index = cls()
        # Millions of small containers, none cyclic: the cycle collector would only rescan them.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for entry in entries:
                index._insert(entry, keep_sorted=False)
            index._sorted.sort()
        finally:
            if was_enabled:
                gc.enable()
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, uid: int) -> IndexEntry | None:
        return self._entries.get(uid)

    # --- writes ---
    def add(self, entry: IndexEntry) -> None:
        if entry.uid in self._entries:
            self.remove(entry.uid)
        self._insert(entry, keep_sorted=True)

    def remove(self, uid: int) -> None:
        entry = self._entries.pop(uid, None)
        if entry is None:
            return
        for key, table in self._tables(entry):
            rest = tuple(u for u in _owners(table.get(key)) if u != uid)
            if not rest:
                table.pop(key, None)
            else:
                table[key] = rest[0] if len(rest) == 1 else rest
        for key in self._searchable(entry):
            pos = bisect.bisect_left(self._sorted, (key, uid))
            if pos < len(self._sorted) and self._sorted[pos] == (key, uid):
                del self._sorted[pos]
        self._dead.update(self._kids_of.pop(uid, ()))
        if entry.guild_id:
            self._overrides[entry.guild_id].discard(entry.slug)
        self._popular = None

    def hide(self, guild_id: int, slug: str) -> None:
        self._hidden[guild_id].add(slug)

    def unhide(self, guild_id: int, slug: str) -> None:
        self._hidden[guild_id].discard(slug)

    def _tables(self, entry: IndexEntry):
        keys = entry.keys
        for name in keys.names:
            yield name, self._names
        for spelling in keys.pinyin:
            yield spelling, self._pinyin
        for sound in keys.sounds:
            yield sound, self._sound
        for initials in keys.initials:
            yield initials, self._initials

    @staticmethod
    def _searchable(entry: IndexEntry) -> list[str]:
        return list(dict.fromkeys(entry.keys.names + entry.keys.pinyin))

    def _insert(self, entry: IndexEntry, *, keep_sorted: bool) -> None:
        # Hot at start-up (once per term, 100k+ times): locals and no generators.
        uid = entry.uid
        keys = entry.keys
        self._entries[uid] = entry
        for table, texts in ((self._names, keys.names), (self._pinyin, keys.pinyin),
                             (self._sound, keys.sounds), (self._initials, keys.initials)):
            for key in texts:
                owners = table.get(key)
                if owners is None:
                    table[key] = uid
                elif isinstance(owners, int):
                    if owners != uid:
                        table[key] = (owners, uid)
                elif uid not in owners:
                    table[key] = (*owners, uid)
        grams, key_text, key_owner, ordered = self._grams, self._key_text, self._key_owner, self._sorted
        first_kid = len(key_text)
        names = keys.names
        for key in dict.fromkeys(names + keys.pinyin):
            if keep_sorted:
                bisect.insort(ordered, (key, uid))
            else:
                ordered.append((key, uid))
            kid = len(key_text)
            key_text.append(key)
            key_owner.append(uid)
            if key in names:  # pinyin typos are caught by the pinyin tiers; n-grams only for names
                for gram in _grams(key):
                    grams[gram].append(kid)
        self._kids_of[uid] = range(first_kid, len(key_text))
        if entry.guild_id:
            self._overrides[entry.guild_id].add(entry.slug)
        self._popular = None

    # --- visibility ---
    def _visible(self, entry: IndexEntry, guild_id: int) -> bool:
        if entry.guild_id == 0:
            return not guild_id or (
                entry.slug not in self._overrides.get(guild_id, ()) and entry.slug not in self._hidden.get(guild_id, ())
            )
        return entry.guild_id == guild_id

    # --- reads ---
    def exact_owners(self, name: str, *, guild_id: int = 0) -> list[IndexEntry]:
        """Visible terms that have this exact (normalised) name or alias."""
        entries = (self._entries[uid] for uid in _owners(self._names.get(normalize(name))))
        return [e for e in entries if self._visible(e, guild_id)]

    def search(self, query: str, *, guild_id: int = 0, limit: int = 25) -> list[Hit]:
        q = normalize(query)
        if not q:
            return []
        best: dict[int, Hit] = {}

        def offer(uids: Iterable[int], tier: int, score: float) -> None:
            for uid in uids:
                entry = self._entries[uid]
                if not self._visible(entry, guild_id):
                    continue
                current = best.get(uid)
                hit = Hit(entry, tier, score)
                if current is None or hit.rank() < current.rank():
                    best[uid] = hit

        spelled = query_pinyin(q) or (q if q.isascii() and q.isalnum() else "")
        offer(_owners(self._names.get(q)), EXACT, 100.0)
        if spelled:
            offer(_owners(self._pinyin.get(spelled)), PINYIN, 100.0)
            offer(_owners(self._sound.get(sound_fold(spelled))), FUZZY_SOUND, 95.0)
            if q.isascii():
                offer(_owners(self._initials.get(q)), INITIALS, 80.0)
        for prefix in {q, spelled} - {""}:
            self._offer_prefixes(prefix, offer, limit * 2)
        if sum(1 for h in best.values() if h.tier <= INITIALS) < _ENOUGH_BETTER_HITS:
            for probe in {q, spelled} - {""}:
                self._offer_fuzzy(probe, offer)
        return sorted(best.values(), key=Hit.rank)[:limit]

    def _offer_prefixes(self, prefix: str, offer, cap: int) -> None:
        keys = self._sorted
        pos = bisect.bisect_left(keys, (prefix, -1))
        end = min(len(keys), pos + cap + 1)  # index walk: slicing would copy the whole tail
        while pos < end:
            key, uid = keys[pos]
            if not key.startswith(prefix):
                break
            if key != prefix:
                offer((uid,), PREFIX, 100.0 * len(prefix) / len(key))
            pos += 1

    def _offer_fuzzy(self, probe: str, offer) -> None:
        """Score only keys sharing the probe's rarest n-grams: a typo keeps most of them."""
        postings = sorted((self._grams.get(g, ()) for g in _grams(probe)), key=len)
        candidates: set[int] = set()
        for posting in postings[:_RAREST_GRAMS]:
            if not posting:
                continue
            if not candidates and len(posting) > _FUZZY_CANDIDATES:
                # Only common grams: the newest keys of the rarest one, never a full copy of it.
                candidates.update(posting[-_FUZZY_CANDIDATES:])
                break
            if candidates and len(candidates) + len(posting) > _FUZZY_CANDIDATES:
                break
            candidates.update(posting)
        candidates -= self._dead
        kids = list(itertools.islice(candidates, _FUZZY_CANDIDATES))
        texts = [self._key_text[k] for k in kids]
        owners = [self._key_owner[k] for k in kids]
        if len(probe) >= 5:
            # Most typos leave the first letters alone: keys that start like the probe join in,
            # narrowest window first so common beginnings don't crowd out the right key.
            for width in sorted({len(probe) * 2 // 3, len(probe) // 2, 3}, reverse=True):
                if width >= 3:
                    self._neighbours(probe[:width], texts, owners)
        if not texts:
            return
        for _, score, pos in process.extract(
            probe, texts, scorer=fuzz.ratio, processor=None, score_cutoff=_MIN_SUGGESTION_SCORE, limit=50
        ):
            offer((owners[pos],), FUZZY, score)

    def _neighbours(self, prefix: str, texts: list[str], owners: list[int]) -> None:
        keys = self._sorted
        pos = bisect.bisect_left(keys, (prefix, -1))
        end = min(len(keys), pos + _PREFIX_NEIGHBOURS)
        while pos < end and keys[pos][0].startswith(prefix):
            texts.append(keys[pos][0])
            owners.append(keys[pos][1])
            pos += 1

    def resolve(self, query: str, *, guild_id: int = 0) -> Resolution:
        hits = self.search(query, guild_id=guild_id, limit=10)
        if not hits:
            return Resolution("not_found", None, [])
        top = hits[0]
        rivals = [h for h in hits[1:] if h.tier == top.tier and h.score >= top.score - 3]
        confident = False
        if top.tier in (EXACT, PINYIN):
            confident = not rivals or top.entry.priority > max(r.entry.priority for r in rivals)
        elif top.tier == PREFIX:
            confident = not rivals and top.score >= 75.0
        elif top.tier == FUZZY:
            confident = not rivals and top.score >= fuzzy_threshold(len(normalize(query)))
        if confident:
            return Resolution("found", top, hits[1:6])
        return Resolution("suggestions", None, hits[:5])

    def popular(self, *, guild_id: int = 0, limit: int = 25) -> list[IndexEntry]:
        if self._popular is None:
            self._popular = sorted(self._entries.values(), key=lambda e: (-e.priority, len(e.term), e.uid))
        out = []
        for entry in self._popular:
            if self._visible(entry, guild_id):
                out.append(entry)
                if len(out) >= limit:
                    break
        return out
