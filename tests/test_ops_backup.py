"""`python -m bot backup PATH`: a consistent copy of the live (WAL) database while another connection writes."""

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def backup(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run([sys.executable, "-m", "bot", "backup", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def live_database(path: Path) -> sqlite3.Connection:
    """Like the bot's: WAL, held open; every write adds one row to each table in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)")
    conn.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, order_id INTEGER)")
    return conn


def write_pairs(conn: sqlite3.Connection, stop: threading.Event, written: list[int]) -> None:
    while not stop.is_set():
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("INSERT INTO orders (note) VALUES (?)", ("x" * 500,))
        conn.execute("INSERT INTO ledger (order_id) VALUES (?)", (cur.lastrowid,))
        conn.execute("COMMIT")
        written.append(1)


def test_backup_while_another_connection_writes_is_consistent(tmp_path):
    db = tmp_path / "live" / "glossary.db"
    db.parent.mkdir()
    conn = live_database(db)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_pairs, args=(conn, stop, written))
    writer.start()
    try:
        while len(written) < 200:  # the WAL holds real data before the copy starts
            threading.Event().wait(0.01)
        result = backup(tmp_path, db, str(tmp_path / "copy.db"))
    finally:
        stop.set()
        writer.join()
    total = len(written)
    conn.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
    copy = sqlite3.connect(tmp_path / "copy.db")
    orders = copy.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    ledger = copy.execute("SELECT COUNT(*) FROM ledger").fetchone()[0]
    copy.close()
    assert orders == ledger, "the copy caught a write half-done"
    assert 200 <= orders <= total
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file


def test_backup_refuses_to_overwrite_unless_forced(tmp_path):
    db = tmp_path / "glossary.db"
    live_database(db).close()
    target = tmp_path / "copy.db"
    target.write_text("keep me")
    refused = backup(tmp_path, db, str(target))
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert target.read_text() == "keep me"
    forced = backup(tmp_path, db, str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0


def test_backup_of_a_missing_database_creates_nothing(tmp_path):
    result = backup(tmp_path, tmp_path / "nope.db", str(tmp_path / "copy.db"))
    assert result.returncode == 1 and "no database" in result.stderr
    assert not (tmp_path / "nope.db").exists() and not (tmp_path / "copy.db").exists()
