"""Start-up's memory: no cycle collection while it builds, and what it freed goes back to the OS."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Iterator


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


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Start-up makes millions of small objects, none cyclic: the cycle collector would only
    rescan them (and everything imported before them) again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
