"""Give memory freed after start-up back to the operating system."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():  # type: ignore[no-untyped-def]
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None


def release_free_memory() -> None:
    """Building the index at scale leaves tens of MB free but still held by the C allocator
    (glibc); malloc_trim returns it, so resident memory reflects what the bot really keeps."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
