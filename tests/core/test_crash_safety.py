"""kill -9 in the middle of moderators' writes: the database holds the old state or the new one."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import asyncio, sys
    from bot.core.glossary import Glossary
    from bot.core.moderation import GuildGlossary

    async def main(path, data):
        glossary, _ = await Glossary.open(path, data)
        guilds = GuildGlossary(glossary)
        for i in range(100000):
            raw = {"term": f"术语{i}", "en": f"Term {i}", "aliases": [f"alias{i}"], "category": "slang",
                   "summary": "摘要。", "definition": "定义。"}
            stored = await guilds.add(7, raw, 1)
            await guilds.edit(7, stored.term.id, {**raw, "definition": "改过。"}, 1)
            if i % 3 == 0:
                await guilds.remove(7, stored.term.id, 1)
            print(i, flush=True)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
""")


def test_kill_9_mid_write_leaves_a_consistent_database(tmp_path):
    db = tmp_path / "g.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(REPO / "data")], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        written = 0
        while written < 30 and time.monotonic() < deadline:  # let it get well into its writes
            line = proc.stdout.readline()
            if not line:
                break
            written = int(line.split()[0]) + 1
        assert written >= 30, proc.stderr.read()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every active server term owns its names and has a history; no name points at a removed term.
        orphans = conn.execute(
            "SELECT COUNT(*) FROM term_names n JOIN terms t ON t.uid = n.uid WHERE t.deleted_at IS NOT NULL"
        ).fetchone()[0]
        nameless = conn.execute(
            "SELECT COUNT(*) FROM terms t WHERE t.guild_id = 7 AND t.deleted_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM term_names n WHERE n.uid = t.uid)"
        ).fetchone()[0]
        unlogged = conn.execute(
            "SELECT COUNT(*) FROM terms t WHERE t.guild_id = 7"
            " AND NOT EXISTS (SELECT 1 FROM term_revisions r WHERE r.guild_id = 7 AND r.slug = t.slug)"
        ).fetchone()[0]
        active = conn.execute("SELECT COUNT(*) FROM terms WHERE guild_id = 7 AND deleted_at IS NULL").fetchone()[0]
    assert (orphans, nameless, unlogged) == (0, 0, 0)
    assert active >= 20  # what was confirmed before the kill is still there
