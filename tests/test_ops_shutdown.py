"""Stopping the real `python -m bot` process: SIGTERM / SIGINT close it cleanly and nothing counted is lost.

Also the heartbeat: while the process is connected `python -m bot health` says ok, after the stop it doesn't.
"""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fake_discord import FakeDiscord

REPO = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"


def bot_env(tmp_path: Path, fake: FakeDiscord) -> dict[str, str]:
    return {**os.environ, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
            "DATA_DIR": str(REPO / "data"), "LIANDAN_TEST_API_BASE": fake.api_base,
            "LIANDAN_TEST_GATEWAY_URL": fake.gateway_url, "DEV_GUILD_ID": "", "PYTHONPATH": str(REPO),
            "HEALTH_FILE": str(tmp_path / "state" / "heartbeat")}


def health(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "health"], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


async def start_connected(fake: FakeDiscord, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.launch", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    identified = asyncio.create_task(fake.wait_identified())
    exited = asyncio.create_task(proc.wait())
    await asyncio.wait({identified, exited}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    exited.cancel()
    if not identified.done():
        identified.cancel()
        proc.kill()
        raise AssertionError("the bot never connected:\n" + (await proc.communicate())[0].decode())
    return proc


async def wait_for_file(path: Path, timeout: float = 20) -> None:
    async with asyncio.timeout(timeout):
        while not path.exists():
            await asyncio.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_stop_signal_exits_0_and_keeps_the_gap_count(tmp_path, sig):
    async with FakeDiscord() as fake:
        guild = fake.add_guild()
        member = guild.add_member("小白")
        env = bot_env(tmp_path, fake)
        proc = await start_connected(fake, env, tmp_path)
        try:
            reply = await fake.slash(guild, member, "define", term="qxzjvkw", timeout=10)
            assert "qxzjvkw" in reply.content or "qxzjvkw" in str(reply.embeds)
            proc.send_signal(sig)
            async with asyncio.timeout(20):
                output = (await proc.communicate())[0].decode()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0, output
    assert "Traceback" not in output, output
    with sqlite3.connect(tmp_path / "bot.db") as db:
        rows = db.execute("SELECT query, count FROM lookup_misses WHERE guild_id = ?", (guild.id,)).fetchall()
    assert rows == [("qxzjvkw", 1)], output


async def test_health_is_ok_while_connected_and_not_after_the_stop(tmp_path):
    async with FakeDiscord() as fake:
        env = bot_env(tmp_path, fake)
        proc = await start_connected(fake, env, tmp_path)
        try:
            await wait_for_file(tmp_path / "state" / "heartbeat")
            running = await asyncio.to_thread(health, env, tmp_path)
            proc.terminate()
            async with asyncio.timeout(20):
                await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert running.returncode == 0, running.stderr
    assert running.stdout.startswith("ok")
    stopped = health(env, tmp_path)
    assert stopped.returncode == 1
    assert stopped.stderr.startswith("unhealthy") and len(stopped.stderr.strip().splitlines()) == 1
