"""A consistent copy of the live database with SQLite's online backup API.

The bot keeps the database open in WAL mode; a plain file copy could catch it between a write
to the WAL and a checkpoint. `sqlite3.Connection.backup` copies one consistent snapshot in a
single step while the bot keeps reading and writing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """The copy was refused or failed; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    target: Path
    size: int


def _open_existing(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"no database at {path} (check DATABASE_URL)")
    # mode=rw never creates a file, so a mistyped path can't leave an empty database behind.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)


def _copy(source: sqlite3.Connection, partial: Path) -> None:
    target = sqlite3.connect(partial)
    try:
        source.backup(target)  # pages=-1: the whole snapshot in one step
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problems = target.execute("PRAGMA integrity_check").fetchone()[0]
        if problems != "ok":
            raise BackupError(f"the copy failed its integrity check: {problems}")
    finally:
        target.close()


def backup_database(source_path: Path, target: Path, *, force: bool = False) -> BackupReport:
    """Copy source_path to target; an existing target is replaced only with force."""
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; choose another name or add --force to replace it")
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name such as {target / 'glossary.db'}")
    source = _open_existing(source_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        _copy(source, partial)
        os.replace(partial, target)  # the finished copy appears at once, or not at all
    except sqlite3.Error as exc:
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        source.close()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupReport(target, target.stat().st_size)
