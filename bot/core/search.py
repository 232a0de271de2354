"""Typo-tolerant term search: tiers first, then score, then priority, then shorter name.

Tiers, best first:
  0 exact normalised name or alias       (ＬｏＲＡ, 炸爐, stable-diffusion)
  1 exact pinyin                         (zhalu, 炸芦 → zhalu, 练丹 → liandan)
  2 exact pinyin modulo 模糊音            (zalu, lianddan is not; z/zh c/ch s/sh n/l an/ang en/eng in/ing)
  3 prefix of a name or pinyin           (autocomplete while typing)
  4 initials                             (zl → 炸炉; they collide, so they rank low)
  5 fuzzy: fuzz.ratio on normalised keys, only over candidates that share n-grams

Candidates are narrowed with one hashed key table, sorted key arrays for prefixes and
endings, and an n-gram inverted index, so a keystroke never scans every term.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import itertools
import operator
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import Literal

from rapidfuzz import fuzz, process

from bot.core.key_table import KeyTable
from bot.core.keys import TermKeys, query_pinyin, sound_fold
from bot.core.memory import cycle_collector_paused
from bot.core.normalize import normalize
from bot.core.popular import LOOKED_UP_KEPT, RankedEntries, RankKey, by_lookups, top

EXACT, PINYIN, FUZZY_SOUND, PREFIX, INITIALS, FUZZY = range(6)
_FUZZY_CANDIDATES = 200   # keys scored per probe, drawn from the rarest shared n-grams
_RAREST_GRAMS = 4
_PREFIX_NEIGHBOURS = 80   # keys sharing the start (or the end) of the probe, scored alongside, per window
_CONTAINING_SCAN = 200    # name keys checked for having a /search query inside (containing)
_ENOUGH_BETTER_HITS = 5    # with this many exact/pinyin/prefix hits, skip fuzzy scoring
_MIN_SUGGESTION_SCORE = 60.0
_KEYS_PER_TERM = 5         # distinct keys a term adds on average (names, spellings, 模糊音, initials): sizes tables

# What a key is to the term that owns it. An owner is packed into one int, uid << 2 | kind,
# so a key's owners fit a typed array instead of Python objects.
NAME, SPELLING, SOUND, INITIAL = range(4)
_KIND_BITS, _KIND_MASK = 2, 3
assert max(NAME, SPELLING, SOUND, INITIAL) <= _KIND_MASK, "a key kind must fit in _KIND_BITS"
_RUN_BITS = 16  # a term's run of key refs: start << _RUN_BITS | length
_RUN_MASK = (1 << _RUN_BITS) - 1
_MAX_KIDS = 1 << (32 - _KIND_BITS)  # a key ref, kid << _KIND_BITS | kind, lives in an unsigned 32-bit array
_NOBODY, _SHARED = -1, -2   # _owner values: no owner left; several, listed in _shared
_IN_ORDER, _IN_GRAMS = 1, 2  # _placed flags: the key is in _by_text / in the n-gram postings and _by_tail

_NAMES, _SPELLINGS, _INITIALS = (frozenset({k}) for k in (NAME, SPELLING, INITIAL))
# A folded query (zanu) matches 模糊音 forms, and spellings that folding leaves as they are (nan for lan).
_SOUNDS_OR_SPELLINGS = frozenset({SPELLING, SOUND})
_WRITTEN = frozenset({NAME, SPELLING})  # what prefix and fuzzy search compare against: names and spellings


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


@dataclass(slots=True)
class IndexEntry:
    """What a hit shows: enough for an autocomplete choice or a suggestion button."""

    uid: int
    guild_id: int
    slug: str
    term: str
    en: str
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    entry: IndexEntry
    tier: int
    score: float

    def rank(self) -> tuple:
        # At equal tier and score a server's own term beats a shipped one: in its server, it wins.
        return (self.tier, -self.score, self.entry.guild_id == 0, -self.entry.priority, len(self.entry.term),
                self.entry.uid)


@dataclass(frozen=True, slots=True)
class Resolution:
    status: Literal["found", "suggestions", "not_found"]
    hit: Hit | None
    suggestions: list[Hit]


class SearchIndex:
    """Compact on purpose, since a bot may hold 100k+ terms in one process.

    Every distinct key text (name, alias, pinyin spelling, 模糊音 spelling, initials) is
    stored once and gets a key id (kid). Everything else is typed arrays of kids: its
    owners, the kids in key order for prefix search, and n-gram postings. A removed
    term only drops its owner marks; its keys stay as ownerless tombstones that
    queries skip and a later term may reuse, so a write touches only that term's keys.
    """

    def __init__(self, *, expected_terms: int = 0) -> None:
        self._entries: dict[int, IndexEntry] = {}
        self._keys = KeyTable(expected=expected_terms * _KEYS_PER_TERM)  # key text ↔ kid
        self._owner = self._keys.tags        # kid → its one packed owner, _NOBODY or _SHARED
        self._shared: dict[int, array] = {}  # kid → packed owners of a key several terms share
        self._placed = bytearray()           # kid → _IN_ORDER | _IN_GRAMS
        self._by_text = array("I")           # kids of names and spellings, in key order
        self._by_tail = array("I")           # kids of names, ordered by their reversed keys
        self._grams: defaultdict[str, array] = defaultdict(partial(array, "I"))  # n-gram → kids of names with it
        # kid << 2 | kind of each key of each term, one term after another, for removal; a
        # removed term's run stays behind as garbage until the next start-up.
        self._refs = array("I")
        # uid → start << 16 | length of its run in _refs. A term has at most ~150 keys (20 aliases,
        # each with up to 4 readings, a 模糊音 form and initials), far below 16 bits.
        self._ref_runs: dict[int, int] = {}
        # Visibility has one owner, this index: which slug means which term in which server.
        self._uid_by_slug: dict[tuple[int, str], int] = {}
        self._overrides: dict[int, set[str]] = defaultdict(set)  # guild → slugs it has its own version of
        self._hidden: dict[int, set[str]] = defaultdict(set)     # guild → shipped slugs it has hidden
        # Empty-box autocomplete: the shipped terms and each server's own, each list kept in rank
        # order on every write, so a server's top 25 never walks another server's entries.
        self._popular: dict[int, RankedEntries] = {}
        # guild → slug → lookups: each server's most looked-up terms (core/stats.py sets them).
        self._looked_up: dict[int, dict[str, int]] = {}
        self._shipped_slugs: set[str] = set()  # so a server's pool costs its size, not the index's
        self._versions: dict[int, int] = defaultdict(int)  # guild (0: shipped) → writes so far
        self._bulk = False
        self._pending_written = array("I")  # kids of names and spellings not yet in _by_text
        self._pending_names = array("I")    # kids of names not yet in _by_tail and the n-grams

    @classmethod
    def build(cls, terms: Iterable[tuple[IndexEntry, TermKeys]]) -> SearchIndex:
        index = cls(expected_terms=operator.length_hint(terms))
        with index.bulk_load():
            for entry, keys in terms:
                index.add(entry, keys)
        return index

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Many adds at once (start-up): keys are ordered and n-grammed once at the end, not per add."""
        with cycle_collector_paused():
            self._bulk = True
            try:
                yield
            finally:
                self._bulk = False
                self._place_pending(resort=True)
                for ranked in self._popular.values():  # sorted here, not on the first write or empty box
                    ranked.settle()

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> Iterable[IndexEntry]:
        """Every term in the index (any server's)."""
        return self._entries.values()

    def get(self, uid: int) -> IndexEntry | None:
        return self._entries.get(uid)

    # --- writes ---
    def add(self, entry: IndexEntry, keys: TermKeys) -> None:
        if entry.uid in self._entries:
            self.remove(entry.uid)
        self._insert(entry, keys)

    def remove(self, uid: int) -> None:
        entry = self._entries.pop(uid, None)
        if entry is None:
            return
        run = self._ref_runs.pop(uid)
        start = run >> _RUN_BITS
        for ref in self._refs[start:start + (run & _RUN_MASK)]:
            self._drop_owner(ref >> _KIND_BITS, uid << _KIND_BITS | ref & _KIND_MASK)
        if self._uid_by_slug.get((entry.guild_id, entry.slug)) == uid:
            del self._uid_by_slug[(entry.guild_id, entry.slug)]
        if entry.guild_id:
            self._overrides[entry.guild_id].discard(entry.slug)
        elif self._uid_by_slug.get((0, entry.slug)) is None:
            self._shipped_slugs.discard(entry.slug)
        self._ranked(entry.guild_id).remove(entry)
        self._versions[entry.guild_id] += 1

    def hide(self, guild_id: int, slug: str) -> None:
        self._hidden[guild_id].add(slug)
        self._versions[guild_id] += 1

    def unhide(self, guild_id: int, slug: str) -> None:
        self._hidden[guild_id].discard(slug)
        self._versions[guild_id] += 1

    def pool_version(self, guild_id: int) -> tuple[int, int, int]:
        """Changes whenever what this server can see may have changed (a write here, or shipped)."""
        return id(self), self._versions.get(0, 0), self._versions.get(guild_id, 0)

    def _insert(self, entry: IndexEntry, keys: TermKeys) -> None:
        # Hot at start-up (once per term, 100k+ times): all of a term's keys are claimed in one
        # call, and during bulk_load() ordering and n-grams wait for _place_pending().
        uid, (names, spellings, initials, sounds) = entry.uid, keys
        self._entries[uid] = entry
        kinds = (NAME,) * len(names) + (SPELLING,) * len(spellings) + (SOUND,) * len(sounds) \
            + (INITIAL,) * len(initials)
        packed = map(operator.or_, repeat(uid << _KIND_BITS), kinds)
        kids, known = self._keys.claim((*names, *spellings, *sounds, *initials), packed)
        for kid, also in known:
            self._add_owner(kid, also)
        if len(self._keys) >= _MAX_KIDS:
            raise OverflowError("the search index holds more distinct keys than a key ref can address")
        if len(kids) > _RUN_MASK:
            raise ValueError(f"term {entry.slug!r} has {len(kids)} search keys, more than a run can hold")
        self._ref_runs[uid] = len(self._refs) << _RUN_BITS | len(kids)
        self._refs.extend(map(operator.or_, map(operator.lshift, kids, repeat(_KIND_BITS)), kinds))
        # Names and spellings go in key order for prefix search; names also get n-grams and the
        # ending order (typos in spellings are the pinyin tiers' job).
        self._pending_written.extend(kids[:len(names) + len(spellings)])
        self._pending_names.extend(kids[:len(names)])
        if not self._bulk:
            self._place_pending(resort=False)
        self._uid_by_slug[(entry.guild_id, entry.slug)] = uid
        if entry.guild_id:
            self._overrides[entry.guild_id].add(entry.slug)
        else:
            self._shipped_slugs.add(entry.slug)
        self._ranked(entry.guild_id).add(entry, bulk=self._bulk)
        self._versions[entry.guild_id] += 1

    def _place_pending(self, *, resort: bool) -> None:
        """Orders and n-grams the keys added since the last call that are not placed yet.

        resort: sort the key orders afresh (many keys, at start-up) instead of inserting each.
        """
        placed, table = self._placed, self._keys
        placed.extend(bytes(len(table) - len(placed)))
        written = sorted({kid for kid in self._pending_written if not placed[kid] & _IN_ORDER})
        names = sorted({kid for kid in self._pending_names if not placed[kid] & _IN_GRAMS})
        self._pending_written, self._pending_names = array("I"), array("I")
        deque(map(placed.__setitem__, written, repeat(_IN_ORDER)), maxlen=0)
        deque(map(placed.__setitem__, names, repeat(_IN_ORDER | _IN_GRAMS)), maxlen=0)
        if resort:
            self._by_text = table.in_order(itertools.chain(self._by_text, written))
            self._by_tail = table.in_order(itertools.chain(self._by_tail, names), by_tail=True)
        else:
            for kid in written:
                bisect.insort(self._by_text, kid, key=table.sort_key)
            for kid in names:
                bisect.insort(self._by_tail, kid, key=table.tail_key)
        postings = self._grams
        # Kids ascend in the order keys first appeared, so each posting ends with the newest keys.
        for kid in names:
            for gram in _grams(table.text(kid)):
                postings[gram].append(kid)

    def _add_owner(self, kid: int, packed: int) -> None:
        current = self._owner[kid]
        if current == _NOBODY:
            self._owner[kid] = packed
        elif current == _SHARED:
            if packed not in self._shared[kid]:
                self._shared[kid].append(packed)
        elif current != packed:
            self._shared[kid] = array("q", (current, packed))
            self._owner[kid] = _SHARED

    def _drop_owner(self, kid: int, packed: int) -> None:
        current = self._owner[kid]
        if current == packed:
            self._owner[kid] = _NOBODY
        elif current == _SHARED:
            rest = array("q", (p for p in self._shared[kid] if p != packed))
            if len(rest) > 1:
                self._shared[kid] = rest
            else:
                del self._shared[kid]
                self._owner[kid] = rest[0] if rest else _NOBODY

    def _owners(self, kid: int, kinds: frozenset[int]) -> list[int]:
        """uids owning this key as one of these kinds."""
        current = self._owner[kid]
        packed = (current,) if current >= 0 else self._shared.get(kid, ())
        return [p >> _KIND_BITS for p in packed if p & _KIND_MASK in kinds]

    def _owners_of_text(self, text: str, kinds: frozenset[int]) -> list[int]:
        kid = self._keys.find(text)
        return [] if kid < 0 else self._owners(kid, kinds)

    # --- visibility ---
    def _visible(self, entry: IndexEntry, guild_id: int) -> bool:
        if entry.guild_id == 0:
            return not guild_id or (
                entry.slug not in self._overrides.get(guild_id, ()) and entry.slug not in self._hidden.get(guild_id, ())
            )
        return entry.guild_id == guild_id

    def visible_uid(self, slug: str, guild_id: int) -> int | None:
        """The term a slug means in this server: its own version first, then the shipped one."""
        if guild_id:
            uid = self._uid_by_slug.get((guild_id, slug))
            if uid is not None:
                return uid
            if slug in self._hidden.get(guild_id, ()):
                return None
        return self._uid_by_slug.get((0, slug))

    def visible_slugs(self, guild_id: int) -> set[str]:
        """Every term id a server can see: shipped ones it has not hidden, plus its own."""
        hidden = self._hidden.get(guild_id, set()) if guild_id else set()
        slugs = self._shipped_slugs - hidden
        if guild_id:
            slugs |= self._overrides.get(guild_id, set())
        return slugs

    def names_of(self, uid: int) -> list[str]:
        """A term's normalised names and aliases, as stored (no pinyin, no initials)."""
        run = self._ref_runs.get(uid)
        if run is None:
            return []
        start = run >> _RUN_BITS
        refs = self._refs[start:start + (run & _RUN_MASK)]
        return [self._keys.text(ref >> _KIND_BITS) for ref in refs if ref & _KIND_MASK == NAME]

    # --- reads ---
    def exact_owners(self, name: str, *, guild_id: int = 0) -> list[IndexEntry]:
        """Visible terms that have this exact (normalised) name or alias."""
        entries = (self._entries[uid] for uid in self._owners_of_text(normalize(name), _NAMES))
        return [e for e in entries if self._visible(e, guild_id)]

    def search(self, query: str, *, guild_id: int = 0, limit: int = 25) -> list[Hit]:
        q = normalize(query)
        if not q:
            return []
        best: dict[int, Hit] = {}
        offer = self._offer_into(best, guild_id)
        spelled = self._offer_unfuzzy(q, offer, limit)
        if sum(1 for h in best.values() if h.tier <= INITIALS) < _ENOUGH_BETTER_HITS:
            for probe in {q, spelled} - {""}:
                self._offer_fuzzy(probe, offer)
        return sorted(best.values(), key=Hit.rank)[:limit]

    def _offer_unfuzzy(self, q: str, offer: Callable[[Iterable[int], int, float], None], limit: int, *,
                       pinyin: bool = True) -> str:
        """Every tier but fuzzy, for the normalised query q; returns q's spelling ("" if none).
        pinyin=False leaves out the spelling of Chinese in q (pypinyin is the costly part)."""
        spelled = (query_pinyin(q) if pinyin else "") or (q if q.isascii() and q.isalnum() else "")
        offer(self._owners_of_text(q, _NAMES), EXACT, 100.0)
        if spelled:
            offer(self._owners_of_text(spelled, _SPELLINGS), PINYIN, 100.0)
            offer(self._owners_of_text(sound_fold(spelled), _SOUNDS_OR_SPELLINGS), FUZZY_SOUND, 95.0)
            if q.isascii():
                offer(self._owners_of_text(q, _INITIALS), INITIALS, 80.0)
        for prefix in {q, spelled} - {""}:
            self._offer_prefixes(prefix, offer, limit * 2)
        return spelled

    def _offer_into(self, best: dict[int, Hit], guild_id: int) -> Callable[[Iterable[int], int, float], None]:
        """offer(uids, tier, score): keep each visible term's best hit in `best`."""
        entries, visible = self._entries, self._visible

        def offer(uids: Iterable[int], tier: int, score: float) -> None:
            # Called for every scored key, so the cheap test comes first: hits of one term differ
            # only in tier and score, and a term already found at least as well needs nothing.
            for uid in uids:
                current = best.get(uid)
                if current is not None and (current.tier, -current.score) <= (tier, -score):
                    continue
                entry = entries[uid]
                if visible(entry, guild_id):
                    best[uid] = Hit(entry, tier, score)

        return offer

    def containing(self, query: str, *, guild_id: int = 0, limit: int = 25) -> list[IndexEntry]:
        """Visible terms with a name or alias that contains the query, ranked as search() ranks
        them, except that the fuzzy tier is replaced by names that end with the query or have it
        inside (scored as fuzz.ratio scores them): what /search lists first. Only containment
        counts there, so nothing is fuzzily scored."""
        q = normalize(query)
        if not q:
            return []
        best: dict[int, Hit] = {}
        offer = self._offer_into(best, guild_id)
        # A name with q in it has q's characters, not just its sound: the pinyin tiers, which
        # find names that sound like q, would add nothing the other tiers miss.
        self._offer_unfuzzy(q, offer, limit, pinyin=False)
        inside: set[int] = set()  # terms known to have a name with q inside
        for kid in (*self._ending_with(q, 2 * limit), *self._names_with(q)):
            owners = self._owners(kid, _NAMES)
            offer(owners, FUZZY, 200.0 * len(q) / (len(q) + len(self._keys.text(kid))))
            inside.update(owners)
        hits = [hit for uid, hit in best.items() if uid in inside or any(q in n for n in self.names_of(uid))]
        return [hit.entry for hit in heapq.nsmallest(limit, hits, key=Hit.rank)]

    def _names_with(self, q: str) -> list[int]:
        """Kids of name keys with q inside, among the first _CONTAINING_SCAN of the posting of its
        rarest bigram (the oldest keys: the shipped glossary loads first). Bounded, since the
        full-text query finds every name with q anyway; these only put names first."""
        bigrams = set(map(str.__add__, q, q[1:]))  # every name has its bigrams posted (not unigrams)
        if not bigrams:
            return []  # one character has no bigram; the other tiers find names with it
        rarest = min((self._grams.get(g, ()) for g in bigrams), key=len)
        return self._keys.having(rarest[:_CONTAINING_SCAN], q)

    def visible_entries(self, uids: Iterable[int], guild_id: int) -> list[IndexEntry]:
        """The entries of these uids that this server can see, in the same order; unknown uids are skipped."""
        get, visible = self._entries.get, self._visible
        return [entry for uid in uids if (entry := get(uid)) is not None and visible(entry, guild_id)]

    def _offer_prefixes(self, prefix: str, offer, cap: int) -> None:
        for kid in self._starting_with(prefix, cap + 1):
            key = self._keys.text(kid)
            if key != prefix:
                offer(self._owners(kid, _WRITTEN), PREFIX, 100.0 * len(prefix) / len(key))

    def _starting_with(self, prefix: str, cap: int) -> list[int]:
        """Up to `cap` kids whose key starts with prefix, in key order."""
        return self._run(self._by_text, self._keys.sort_key, prefix.encode(), cap)

    def _ending_with(self, suffix: str, cap: int) -> list[int]:
        return self._run(self._by_tail, self._keys.tail_key, suffix.encode()[::-1], cap)

    @staticmethod
    def _run(order: array, key, start: bytes, cap: int) -> list[int]:
        """Up to `cap` kids of `order` (sorted by key) whose key begins with start."""
        pos = bisect.bisect_left(order, start, key=key)
        end = min(len(order), pos + cap)
        out = []
        while pos < end and key(order[pos]).startswith(start):
            out.append(order[pos])
            pos += 1
        return out

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
        kids = list(itertools.islice(candidates, _FUZZY_CANDIDATES))
        if len(probe) >= 5:
            # One typo leaves the start or the end of a word alone, and a typo's own n-grams are
            # the rare ones: keys that start or end like the probe join in, longest window first.
            for width in sorted({len(probe) * 2 // 3, len(probe) // 2}, reverse=True):
                if width >= 3:
                    for kid in (*self._starting_with(probe[:width], _PREFIX_NEIGHBOURS),
                                *self._ending_with(probe[-width:], _PREFIX_NEIGHBOURS)):
                        if kid not in candidates:
                            candidates.add(kid)
                            kids.append(kid)
        if not kids:
            return
        texts = [self._keys.text(k) for k in kids]
        for _, score, pos in process.extract(
            probe, texts, scorer=fuzz.ratio, processor=None, score_cutoff=_MIN_SUGGESTION_SCORE, limit=50
        ):
            offer(self._owners(kids[pos], _WRITTEN), FUZZY, score)

    def resolve(self, query: str, *, guild_id: int = 0) -> Resolution:
        hits = self.search(query, guild_id=guild_id, limit=10)
        if not hits:
            return Resolution("not_found", None, [])
        top = hits[0]
        rivals = [h for h in hits[1:] if h.tier == top.tier and h.score >= top.score - 3
                  and (h.entry.guild_id == 0) == (top.entry.guild_id == 0)]
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

    # --- popularity: what an empty autocomplete box shows ---
    def _rank_key(self, entry: IndexEntry) -> RankKey:
        return (-entry.priority, len(entry.term), entry.uid)

    def _ranked(self, guild_id: int) -> RankedEntries:
        ranked = self._popular.get(guild_id)
        if ranked is None:
            ranked = self._popular[guild_id] = RankedEntries(self._rank_key)
        return ranked

    def set_lookups(self, guild_id: int, counts: dict[str, int]) -> None:
        """A server's most looked-up terms (slug → lookups), replacing its previous ones; no other
        server's order changes. Only the LOOKED_UP_KEPT most looked-up are kept."""
        if not guild_id or not counts:
            self._looked_up.pop(guild_id, None)
            return
        if len(counts) > LOOKED_UP_KEPT:
            counts = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:LOOKED_UP_KEPT])
        self._looked_up[guild_id] = counts

    def lookups(self) -> dict[int, dict[str, int]]:
        """Every server's looked-up terms, as set: carried over when the index is rebuilt."""
        return self._looked_up

    def popular(self, *, guild_id: int = 0, limit: int = 25) -> list[IndexEntry]:
        """A server's best terms: its most looked-up first, then its own and the shipped ones it sees
        merged in rank order."""
        counts = self._looked_up.get(guild_id, {})
        looked_up = [e for slug in counts if (e := self.visible_entry(slug, guild_id)) is not None]
        shown: list[IndexEntry] = by_lookups(looked_up, counts)[:limit]  # type: ignore[assignment]
        lists = [self._ranked(0)]
        if guild_id and guild_id in self._popular:
            lists.append(self._popular[guild_id])
        seen = {e.slug for e in shown}

        def keep(entry: IndexEntry) -> bool:
            return entry.slug not in seen and self._visible(entry, guild_id)

        return shown + top(lists, self._rank_key, keep, limit - len(shown))  # type: ignore[arg-type,operator]

    def visible_entry(self, slug: str, guild_id: int) -> IndexEntry | None:
        """The entry this server sees under this slug (its own version, or the shipped one)."""
        uid = self.visible_uid(slug, guild_id)
        return None if uid is None else self._entries.get(uid)
