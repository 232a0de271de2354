"""The heartbeat file: the running bot rewrites it while connected; `python -m bot health` reads it.

The file holds the Unix time of the last beat. A container health check (or a cron job) calls
`python -m bot health`, which needs nothing but the file: no token, no database, no Discord.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

HEARTBEAT_SECONDS = 15.0  # how often the bot beats while connected
MAX_AGE_SECONDS = 60.0  # older than this and the bot counts as unhealthy


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    reason: str


def write_heartbeat(path: Path, now: float | None = None) -> None:
    """Replace the file in one step, so a reader never sees half a timestamp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(f"{time.time() if now is None else now:.3f}\n", encoding="utf-8")
    os.replace(partial, path)


def clear_heartbeat(path: Path) -> None:
    """A bot that stopped on purpose is not healthy: say so at once rather than in a minute."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def check_health(path: Path, now: float | None = None, max_age: float = MAX_AGE_SECONDS) -> Health:
    try:
        beat = float(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return Health(False, f"unhealthy: no heartbeat at {path} (bot not running, or not connected yet)")
    except (OSError, ValueError) as exc:
        return Health(False, f"unhealthy: cannot read heartbeat {path}: {exc}")
    age = (time.time() if now is None else now) - beat
    if age > max_age:
        return Health(False, f"unhealthy: last heartbeat {age:.0f} s ago (limit {max_age:.0f} s) in {path}")
    return Health(True, f"ok: connected, last heartbeat {max(age, 0):.0f} s ago")
