"""Two `python -m bot` processes, shards 0 and 1 of 2, one PostgreSQL, one simulated Discord.

Each process connects as its shard and is sent only its own servers; over simulated days with
restarts every server gets exactly one term of the day, posted by the process that owns its shard.
"""

import asyncio
import os
import signal
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.core.daily import DailyConfig
from bot.core.daily_store import DailyStore
from bot.core.db import open_database
from tests.support.fake_discord import FakeDiscord
from tests.test_run_against_fake_discord import REPO, TOKEN

PATIENCE = 90.0  # seconds to wait for a process to connect or post before giving up (not a timing claim)
START = datetime(2026, 3, 1, tzinfo=UTC)


class ShardProcess:
    def __init__(self, fake: FakeDiscord, tmp_path: Path, url: str, shard: int):
        self.fake, self.shard = fake, shard
        self.folder = tmp_path / f"shard{shard}"
        self.folder.mkdir(exist_ok=True)
        self.env = {**os.environ, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": url, "DATA_DIR": str(REPO / "data"),
                    "SHARD_COUNT": "2", "SHARD_IDS": str(shard), "LIANDAN_TEST_API_BASE": fake.api_base,
                    "LIANDAN_TEST_GATEWAY_URL": fake.gateway_url, "LIANDAN_TEST_CLOCK_FILE": str(tmp_path / "clock"),
                    "DEV_GUILD_ID": "", "PYTHONPATH": str(REPO)}
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.support.launch", cwd=self.folder, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        await until(lambda: self.shard in self.fake.server.shards_connected(), self, "never connected")

    async def stop(self) -> str:
        if self.proc is None or self.proc.returncode is not None:
            return ""
        self.proc.send_signal(signal.SIGTERM)
        output = (await self.proc.communicate())[0].decode(errors="replace")
        self.proc = None
        return output


async def until(check, process: ShardProcess | None = None, what: str = "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not check():
        if process is not None and process.proc is not None and process.proc.returncode is not None:
            raise AssertionError(f"shard {process.shard} exited: " + (await process.proc.stdout.read()).decode())
        assert loop.time() < deadline, f"shard {process.shard if process else '?'} {what}"
        await asyncio.sleep(0.1)


@pytest.fixture
async def shard_world(tmp_path, postgres_url):
    async with FakeDiscord() as fake:
        processes = [ShardProcess(fake, tmp_path, postgres_url, shard) for shard in (0, 1)]
        try:
            yield fake, processes
        finally:
            for p in processes:
                await p.stop()


async def test_shard_processes_post_each_servers_day_once_from_its_owner(shard_world, tmp_path, postgres_url):
    fake, (p0, p1) = shard_world
    servers = {shard: fake.add_guild(f"分片 {shard}", shard=(shard, 2)) for shard in (0, 1)}
    channels = {shard: guild.add_text_channel("今日术语") for shard, guild in servers.items()}
    db = await open_database(postgres_url)
    try:
        for shard, guild in servers.items():
            await DailyStore(db).configure(DailyConfig(guild.id, channels[shard].id, time(9, 0), "UTC",
                                                       active_since=START))
    finally:
        await db.close()

    def posts(shard: int) -> int:
        return len(fake.channel_posts(channels[shard].id))

    clock = tmp_path / "clock"
    for day in (1, 2):
        clock.write_text(datetime(2026, 3, day, 9, 5, tzinfo=UTC).isoformat())
        for p in (p0, p1) if day == 1 else (p1, p0):  # start order varies
            await p.start()
        await until(lambda d=day: posts(0) == d and posts(1) == d, None, f"day {day} posts")
        for p in (p0, p1):
            await p.stop()

    # Day 3 with only shard 0's process up: only its server is posted…
    clock.write_text(datetime(2026, 3, 3, 9, 5, tzinfo=UTC).isoformat())
    await p0.start()
    await until(lambda: posts(0) == 3, p0, "day 3 post")
    await asyncio.sleep(1.0)  # give a wrong post from shard 0's process the chance to show
    assert posts(1) == 2
    # …until shard 1's process starts and catches up within the grace window.
    await p1.start()
    await until(lambda: posts(1) == 3, p1, "day 3 catch-up")
    for p in (p0, p1):
        await p.stop()

    db = await open_database(postgres_url)
    try:
        for shard, guild in servers.items():
            days = [r.local_date for r in await DailyStore(db).posts(guild.id) if r.status == "sent"]
            assert days == [date(2026, 3, d) for d in (1, 2, 3)], shard
    finally:
        await db.close()
    assert fake.violations == []


FORM = {"summary": "本服务器的吉祥物。", "definition": "一只会画画的猫。", "example": "今天又出图了。"}


async def add_term(fake, guild, moderator, term: str, timeout: float = 10):
    modal = await fake.slash(guild, moderator, "addterm", category="slang", timeout=timeout)
    return await fake.submit_modal(modal, moderator, {"term": term, "names": f"{term} en", **FORM})


async def test_shard_processes_a_term_added_through_one_is_found_through_the_other(shard_world):
    from tests.support.fake_discord import MANAGE_GUILD, MEMBER_DEFAULT

    fake, (p0, p1) = shard_world
    guild = fake.add_guild("分片 0", shard=(0, 2))
    guild.add_text_channel("炼丹房")
    moderator = guild.add_member("版主", permissions=MEMBER_DEFAULT | MANAGE_GUILD)
    member = guild.add_member("小白")
    for p in (p0, p1):
        await p.start()
    card = await add_term(fake, guild, moderator, "跨进程词")  # through shard 0's process
    assert card.embeds[0]["title"].startswith("跨进程词"), card.content
    fake.server.moved[guild.id] = 1  # Discord now sends this server's events to shard 1's process

    async def found_through_shard_1() -> bool:
        reply = await fake.slash(guild, member, "define", term="跨进程词", timeout=10)
        return bool(reply.embeds) and reply.embeds[0]["title"].startswith("跨进程词")

    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not await found_through_shard_1():
        assert loop.time() < deadline, "the term never reached shard 1's process"
        await asyncio.sleep(0.1)


async def test_shard_processes_kill_9_mid_writes_loses_nothing_confirmed(shard_world, postgres_url):
    from tests.support.fake_discord import MANAGE_GUILD, MEMBER_DEFAULT

    fake, (p0, _p1) = shard_world
    guild = fake.add_guild("分片 0", shard=(0, 2))
    guild.add_text_channel("炼丹房")
    moderator = guild.add_member("版主", permissions=MEMBER_DEFAULT | MANAGE_GUILD)
    await p0.start()
    confirmed: list[str] = []

    async def writer(n: int) -> None:
        for i in range(40):
            name = f"词{n}号{i}"
            try:
                card = await add_term(fake, guild, moderator, name, timeout=5)
            except (AssertionError, TimeoutError):
                return  # the process died under this write: not confirmed
            if card.embeds and card.embeds[0]["title"].startswith(name):
                confirmed.append(name)

    writers = [asyncio.create_task(writer(n)) for n in range(3)]
    await until(lambda: len(confirmed) >= 6, p0, "confirmed no writes")
    p0.proc.send_signal(signal.SIGKILL)  # kill -9 while writes are in flight
    await p0.proc.wait()
    await asyncio.gather(*writers)

    db = await open_database(postgres_url)
    try:
        rows = await db.fetchall("SELECT term FROM terms WHERE guild_id = ? AND deleted_at IS NULL", (guild.id,))
        names = {r[0] for r in rows} if rows else set()
        assert set(confirmed) <= names
        revisions = await db.fetchone("SELECT COUNT(*) FROM term_revisions WHERE guild_id = ?", (guild.id,))
        assert revisions[0] == len(names)  # each stored term has its one 'create' revision, nothing half-written
    finally:
        await db.close()
    fake.server.violations.clear()  # interactions left unanswered by the killed process are expected
