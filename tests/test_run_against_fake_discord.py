"""`python -m bot`, as a real process, against the simulated Discord: it syncs /define and answers."""

import asyncio
import os
import sys
from pathlib import Path

from tests.support.fake_discord import FakeDiscord

REPO = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"


async def test_python_m_bot_syncs_and_answers_define(tmp_path):
    async with FakeDiscord() as fake:
        guild = fake.add_guild()
        member = guild.add_member("小白")
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
               "DATA_DIR": str(REPO / "data"), "LIANDAN_TEST_API_BASE": fake.api_base,
               "LIANDAN_TEST_GATEWAY_URL": fake.gateway_url, "DEV_GUILD_ID": ""}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.support.launch", cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            # The process needs a moment to import, load data/ and connect; stop early if it dies.
            identified = asyncio.create_task(fake.wait_identified())
            exited = asyncio.create_task(proc.wait())
            await asyncio.wait({identified, exited}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
            if not identified.done():
                proc.terminate()
                raise AssertionError("the bot never connected:\n" + (await proc.communicate())[0].decode())
            exited.cancel()
            assert "define" in [c["name"] for c in fake.synced()]
            reply = await fake.slash(guild, member, "define", term="炸炉", timeout=10)
            assert reply.embeds[0]["title"].startswith("炸炉")
            assert fake.violations == []
        finally:
            proc.terminate()
            output = (await proc.communicate())[0].decode()
        assert (tmp_path / "bot.db").exists(), output


async def test_postgres_python_m_bot_keeps_its_state_in_postgresql_and_answers_define(tmp_path, postgres_url):
    """DATABASE_URL=postgresql://…: the real process answers /define 炸炉 and writes no SQLite file."""
    import asyncpg

    async with FakeDiscord() as fake:
        guild = fake.add_guild()
        member = guild.add_member("小白")
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": postgres_url, "DATA_DIR": str(REPO / "data"),
               "LIANDAN_TEST_API_BASE": fake.api_base, "LIANDAN_TEST_GATEWAY_URL": fake.gateway_url,
               "DEV_GUILD_ID": "", "PYTHONPATH": str(REPO)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.support.launch", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            identified = asyncio.create_task(fake.wait_identified())
            exited = asyncio.create_task(proc.wait())
            await asyncio.wait({identified, exited}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
            assert identified.done(), "the bot never connected"
            exited.cancel()
            reply = await fake.slash(guild, member, "define", term="炸炉", timeout=10)
            assert reply.embeds[0]["title"].startswith("炸炉")
        finally:
            proc.terminate()
            await proc.communicate()
    assert not list(tmp_path.rglob("*.db")), "a SQLite file was written"
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT COUNT(*) FROM terms WHERE guild_id = 0") >= 650
    finally:
        await conn.close()
