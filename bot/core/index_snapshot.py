"""The search index saved next to the database, so a warm restart loads it instead of rebuilding.

A snapshot is used only when it was written at the database's current `index_generation` (every
write to terms or hidden_terms moves that on, by trigger: migration 0910) and by the same shape of
index (the attribute names of SearchIndex and KeyTable, the key normalisation version and the
Python version): anything else, or any error reading it, means a rebuild from SQLite as before.

Only indexes up to MAX_TERMS terms are saved (see there). The file is a pickle, written only by
the bot into the folder that holds its database; whoever can write there can already change
every term, so it is trusted like the database itself.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import sys
from pathlib import Path

from bot.core.key_table import KeyTable
from bot.core.keys import KEYS_VERSION
from bot.core.search import SearchIndex

log = logging.getLogger(__name__)
_FORMAT = 1
# Past this many terms no snapshot is kept: an unpickled index holds ~45 MB more than a built one
# at 100k terms (measured), which would break the 250 MB budget; building it takes ~3 s there.
MAX_TERMS = 50_000


def _fingerprint() -> str:
    shape = ",".join(sorted(vars(SearchIndex()))) + ";" + ",".join(sorted(vars(KeyTable())))
    return f"liandan-index/{_FORMAT}/{KEYS_VERSION}/{sys.version_info[:2]}/{shape}"


def snapshot_path(database_path: Path | None) -> Path | None:
    return None if database_path is None else database_path.with_name(database_path.name + ".index")


def load(path: Path, generation: str) -> SearchIndex | None:
    """The saved index if it matches `generation` and this code; None otherwise."""
    if not path.exists():
        return None
    was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, none cyclic
    try:
        with path.open("rb") as f:
            header = pickle.load(f)
            if header != (_fingerprint(), generation):
                return None
            index = pickle.load(f)
        return index if isinstance(index, SearchIndex) else None
    except Exception:  # a torn or foreign file is only a missed shortcut
        log.warning("could not read the saved search index; rebuilding it", exc_info=True)
        return None
    finally:
        if was_enabled:
            gc.enable()


def save(path: Path, generation: str, index: SearchIndex) -> None:
    """Write atomically (a temporary file, then rename); a failure only costs the next start-up."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as f:
            pickle.dump((_fingerprint(), generation), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        log.warning("could not save the search index", exc_info=True)
        with contextlib.suppress(OSError):
            tmp.unlink()
