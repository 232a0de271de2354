"""Distinct search keys, each stored once and numbered, in a few flat buffers.

A 100k-term glossary has about half a million distinct keys. As a dict[str, int]
they cost ~140 bytes each (str object, int object, table slot); here they cost
~40: UTF-8 bytes in one buffer, an offset, a hash, an open-addressing slot, and
one int tag whose meaning is the caller's (the search index keeps owners there).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import repeat
from operator import add, itemgetter

_EMPTY = -1
_MIN_SLOTS = 64
_REVERSED = itemgetter(slice(None, None, -1))


class KeyTable:
    def __init__(self, expected: int = 0) -> None:
        self._buf = bytearray()
        self._bounds = array("I", [0])  # key id → start of its bytes in _buf; id + 1 → its end
        self._hashes = array("q")       # key id → hash(text), so a probe rarely decodes
        self.tags = array("q")          # key id → the caller's int for it
        slots = _MIN_SLOTS
        while slots < 2 * expected:  # at most half full: short probe runs
            slots *= 2
        self._slots = array("i", [_EMPTY]) * slots
        self._mask = slots - 1

    def __len__(self) -> int:
        return len(self._hashes)

    def text(self, kid: int) -> str:
        bounds = self._bounds
        return self._buf[bounds[kid]:bounds[kid + 1]].decode()

    def having(self, kids: Iterable[int], needle: str) -> list[int]:
        """The kids whose text has needle inside, compared as UTF-8 bytes (which never decodes:
        UTF-8 finds a character sequence only where it starts on a character)."""
        find, bounds, sub = self._buf.find, self._bounds, needle.encode()
        return [kid for kid in kids if find(sub, bounds[kid], bounds[kid + 1]) >= 0]

    def sort_key(self, kid: int) -> bytearray:
        """Orders key ids as their texts would sort (UTF-8 keeps code-point order), without decoding."""
        bounds = self._bounds
        return self._buf[bounds[kid]:bounds[kid + 1]]

    def tail_key(self, kid: int) -> bytearray:
        """Orders key ids by their reversed bytes: keys that end alike sit together."""
        return self.sort_key(kid)[::-1]

    def in_order(self, kids: Iterable[int], *, by_tail: bool = False) -> array:
        """kids sorted by sort_key (or tail_key), with every per-key step in C: start-up orders ~500k keys."""
        kids = array("I", kids)
        buf, bounds = bytes(self._buf), self._bounds  # bytes compare faster than bytearray
        ends = map(bounds.__getitem__, map(add, kids, repeat(1)))
        chunks = map(buf.__getitem__, map(slice, map(bounds.__getitem__, kids), ends))
        if by_tail:
            chunks = map(_REVERSED, chunks)
        order = sorted(range(len(kids)), key=list(chunks).__getitem__)
        return array("I", map(kids.__getitem__, order))

    def find(self, text: str) -> int:
        """The key id of text, or -1."""
        digest = hash(text)
        slots, hashes, mask = self._slots, self._hashes, self._mask
        slot = digest & mask
        while (kid := slots[slot]) != _EMPTY:
            if hashes[kid] == digest and self.text(kid) == text:
                return kid
            slot = (slot + 1) & mask
        return -1

    def claim(self, texts: Iterable[str], tags: Iterable[int]) -> tuple[list[int], list[tuple[int, int]]]:
        """The key id of each text; a new key is numbered len(self) and tagged with its tag.

        Returns the ids and, for texts that were already keys, (id, tag) pairs left for the
        caller to merge into the existing tag. Start-up calls this once per term.
        """
        # The probe is inlined, with locals, because this loop is most of the start-up time.
        buf, bounds, hashes, own_tags = self._buf, self._bounds, self._hashes, self.tags
        kids: list[int] = []
        clashes: list[tuple[int, int]] = []
        for text, tag in zip(texts, tags, strict=True):
            digest = hash(text)
            slots, mask = self._slots, self._mask
            slot = digest & mask
            while (kid := slots[slot]) != _EMPTY:
                if hashes[kid] == digest and buf[bounds[kid]:bounds[kid + 1]].decode() == text:
                    clashes.append((kid, tag))
                    break
                slot = (slot + 1) & mask
            else:
                kid = len(hashes)
                buf += text.encode()
                bounds.append(len(buf))
                hashes.append(digest)
                own_tags.append(tag)
                slots[slot] = kid
                if 2 * len(hashes) > len(slots):
                    self._grow()
            kids.append(kid)
        return kids, clashes

    def _grow(self) -> None:
        size = len(self._slots) * 2
        slots, mask = array("i", [_EMPTY]) * size, size - 1
        for kid, digest in enumerate(self._hashes):
            slot = digest & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = kid
        self._slots, self._mask = slots, mask
