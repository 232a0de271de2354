"""Distinct search keys, each stored once and numbered, in a few flat buffers.

A 100k-term glossary has about half a million distinct keys. As a dict[str, int]
they cost ~140 bytes each (str object, int object, table slot); here they cost
~30: UTF-8 bytes in one buffer, an end offset, a hash, and an open-addressing slot.
"""

from __future__ import annotations

from array import array

_EMPTY = -1
_MIN_SLOTS = 64


class KeyTable:
    def __init__(self, expected: int = 0) -> None:
        self._buf = bytearray()
        self._ends = array("I")     # key id → end of its bytes in _buf (it starts where the previous one ends)
        self._hashes = array("q")   # key id → hash(text), so a probe rarely decodes
        slots = _MIN_SLOTS
        while slots < 2 * expected:  # at most half full: short probe runs
            slots *= 2
        self._slots = array("i", [_EMPTY]) * slots
        self._mask = slots - 1

    def __len__(self) -> int:
        return len(self._ends)

    def text(self, kid: int) -> str:
        start = self._ends[kid - 1] if kid else 0
        return self._buf[start:self._ends[kid]].decode()

    def sort_key(self, kid: int) -> bytearray:
        """Orders key ids as their texts would sort (UTF-8 keeps code-point order), without decoding."""
        start = self._ends[kid - 1] if kid else 0
        return self._buf[start:self._ends[kid]]

    def tail_key(self, kid: int) -> bytearray:
        """Orders key ids by their reversed bytes: keys that end alike sit together."""
        return self.sort_key(kid)[::-1]

    def find(self, text: str) -> int:
        """The key id of text, or -1."""
        return self.intern(text, add=False)

    def intern(self, text: str, *, add: bool = True) -> int:
        """The key id of text, numbering it (len(self) before the call) if it is new."""
        # One function, probing inline: start-up calls this for every key of every term.
        digest = hash(text)
        slots, hashes, mask = self._slots, self._hashes, self._mask
        slot = digest & mask
        while (kid := slots[slot]) != _EMPTY:
            if hashes[kid] == digest and self.text(kid) == text:
                return kid
            slot = (slot + 1) & mask
        if not add:
            return -1
        kid = len(hashes)
        self._buf += text.encode()
        self._ends.append(len(self._buf))
        hashes.append(digest)
        slots[slot] = kid
        if 2 * len(hashes) > len(slots):
            self._grow()
        return kid

    def _grow(self) -> None:
        size = len(self._slots) * 2
        slots, mask = array("i", [_EMPTY]) * size, size - 1
        for kid, digest in enumerate(self._hashes):
            slot = digest & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = kid
        self._slots, self._mask = slots, mask
