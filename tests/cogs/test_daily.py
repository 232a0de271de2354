"""Term of the day through the simulated Discord, driven by a settable clock."""

import asyncio
import contextlib
import random
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.client import LiandanBot
from bot.core.clock import ManualClock
from bot.core.glossary import Glossary
from bot.ui.daily_view import daily_view
from bot.ui.embeds import NO_PINGS
from tests.conftest import DATA_DIR
from tests.support import limits
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_DEFAULT, MODAL

HEADER = re.compile(r"今日术语 · (\d{4}-\d{2}-\d{2})")


class DailyWorld:
    """One simulated Discord, one database file, and a bot that can be restarted."""

    def __init__(self, fake, settings, clock):
        self.fake, self.settings, self.clock = fake, settings, clock
        self.bot = None
        self.glossary = None

    async def start(self):
        self.glossary, _ = await Glossary.open(self.settings.database_path, DATA_DIR)
        self.bot = LiandanBot(self.settings, self.glossary, clock=self.clock)
        await self.fake.run_bot(self.bot)

    async def stop(self):
        await self.fake.stop_bot()
        await self.glossary.close()

    async def restart(self):
        await self.stop()
        await self.start()

    async def tick(self):
        await self.bot.get_cog("Daily").tick()

    def server(self, name):
        guild = self.fake.add_guild(name)
        channel = guild.add_text_channel("今日术语")
        moderator = guild.add_member("版主", permissions=MEMBER_DEFAULT | MANAGE_GUILD)
        return guild, channel, moderator

    def posted_days(self, channel) -> list[str]:
        return [HEADER.search(m["embeds"][0]["author"]["name"])[1] for m in self.fake.channel_posts(channel.id)
                if m["embeds"] and "author" in m["embeds"][0]]


@pytest.fixture
async def daily_world(fake_discord, settings):
    world = DailyWorld(fake_discord, settings, ManualClock(datetime(2026, 3, 1, 0, 0, tzinfo=UTC)))
    yield world
    if world.bot is not None:
        await world.stop()


async def setup_server(world, name="AI 绘画交流", time="09:00", tz="Asia/Shanghai"):
    guild, channel, moderator = world.server(name)
    if world.bot is None:
        await world.start()
    else:
        await world.restart()  # the bot learns about new servers at start-up, as on a real GUILD_CREATE
    reply = await world.fake.slash(guild, moderator, "daily set", channel=channel, time=time, timezone=tz)
    assert reply.ephemeral and "好的" in reply.content, reply.content
    return guild, channel, moderator


async def test_daily_set_and_status(daily_world):
    guild, channel, moderator = await setup_server(daily_world)
    status = await daily_world.fake.slash(guild, moderator, "daily status")
    assert status.ephemeral
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["频道"] == f"<#{channel.id}>"
    assert fields["发布时间"] == "09:00 (Asia/Shanghai)"
    assert fields["下一次发布"].startswith("2026-03-01 09:00")
    assert fields["上一次发布"] == "暂无"


@pytest.mark.parametrize(
    ("time", "tz", "needle"),
    [("25:00", "Asia/Shanghai", "24 小时制"), ("09:00", "Mars/Base", "找不到时区"), ("9点", "UTC", "HH:MM")],
)
async def test_daily_set_rejects_bad_input_and_changes_nothing(daily_world, time, tz, needle):
    guild, channel, moderator = daily_world.server("服务器")
    await daily_world.start()
    reply = await daily_world.fake.slash(guild, moderator, "daily set", channel=channel, time=time, timezone=tz)
    assert reply.ephemeral and needle in reply.content
    status = await daily_world.fake.slash(guild, moderator, "daily status")
    assert "还没有设置" in status.content


async def test_daily_set_refuses_a_channel_the_bot_cannot_post_in(daily_world):
    guild, _, moderator = daily_world.server("服务器")
    closed = guild.add_text_channel("公告", bot_can_post=False)
    await daily_world.start()
    reply = await daily_world.fake.slash(guild, moderator, "daily set", channel=closed, time="09:00")
    assert reply.ephemeral and "没有在" in reply.content


async def test_daily_commands_refuse_members_without_permission(daily_world):
    guild, channel, _ = daily_world.server("服务器")
    member = guild.add_member("小白")
    await daily_world.start()
    # Discord would hide the command from this member; a crafted interaction still gets a refusal.
    reply = await daily_world.fake.slash(guild, member, "daily set", channel=channel, time="09:00")
    assert reply.ephemeral and "只有管理员" in reply.content
    (daily,) = [c for c in daily_world.fake.synced() if c["name"] == "daily"]
    assert int(daily["default_member_permissions"]) == MANAGE_GUILD


async def test_daily_timezone_autocomplete(daily_world):
    guild, channel, moderator = daily_world.server("服务器")
    await daily_world.start()
    choices = await daily_world.fake.autocomplete(guild, moderator, "daily set", "timezone", value="new_y",
                                                  channel=channel, time="09:00")
    assert "America/New_York" in [c["value"] for c in choices]


async def test_daily_post_has_the_card_and_buttons(daily_world):
    guild, channel, moderator = await setup_server(daily_world)
    daily_world.clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    await daily_world.tick()
    (post,) = daily_world.fake.channel_posts(channel.id)
    assert daily_world.posted_days(channel) == ["2026-03-01"]
    assert post["components"][0]["components"][0]["label"] == "再来一个"
    member = guild.add_member("路人")
    another = await daily_world.fake.click(post, member, custom_id="liandan:random")
    assert another.ephemeral and another.embeds
    status = await daily_world.fake.slash(guild, moderator, "daily status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["上一次发布"].startswith("2026-03-01 · ")
    assert fields["下一次发布"].startswith("2026-03-02 09:00")


async def test_daily_preview_is_ephemeral_and_matches_the_next_post(daily_world):
    guild, channel, moderator = await setup_server(daily_world)
    preview = await daily_world.fake.slash(guild, moderator, "daily preview")
    assert preview.ephemeral and "今日术语" in preview.embeds[0]["author"]["name"]
    daily_world.clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))
    await daily_world.tick()
    (post,) = daily_world.fake.channel_posts(channel.id)
    assert post["embeds"][0]["title"] == preview.embeds[0]["title"]


def buttons(message: dict) -> list[dict]:
    return [c for row in message["components"] for c in row["components"]]


def report_id(message: dict) -> str:
    (custom_id,) = [b["custom_id"] for b in buttons(message) if b.get("label") == "报错"]
    return custom_id


async def test_daily_post_has_a_report_button_that_files_a_report_on_that_term_after_a_restart(daily_world):
    guild, channel, _ = await setup_server(daily_world)
    daily_world.clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))
    await daily_world.tick()
    (post,) = daily_world.fake.channel_posts(channel.id)
    slug = report_id(post).removeprefix("liandan:report:")
    stored = await daily_world.glossary.by_slug(slug, guild.id)
    assert stored is not None and post["embeds"][0]["title"].startswith(stored.term.term)
    await daily_world.restart()  # the button is persistent: an old post still works
    member = guild.add_member("路人")
    form = await daily_world.fake.click(post, member, label="报错")
    assert form.type == MODAL
    thanks = await daily_world.fake.submit_modal(form, member, {"note": "今天这张卡的例子不对"}, guild=guild)
    assert thanks.ephemeral and "谢谢" in thanks.content
    reports = await daily_world.bot.services.reports.shipped()
    assert [(r.slug, r.notes) for r in reports] == [(slug, ["今天这张卡的例子不对"])]


async def test_daily_preview_has_the_report_button_of_the_term_it_shows(daily_world):
    guild, channel, moderator = await setup_server(daily_world)
    preview = await daily_world.fake.slash(guild, moderator, "daily preview")
    daily_world.clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))
    await daily_world.tick()
    (post,) = daily_world.fake.channel_posts(channel.id)
    assert report_id(preview.message) == report_id(post)
    form = await daily_world.fake.click(preview.message, moderator, label="报错")
    assert form.type == MODAL


def test_a_daily_post_with_many_related_terms_keeps_within_discords_limits():
    related = [(f"term-{i}", f"相关词条{i}") for i in range(30)]
    view = daily_view(related, "zhalu")
    body = {"components": view.to_components(), "allowed_mentions": NO_PINGS.to_dict()}
    assert limits.message_problems(body) == []
    labels = [b["label"] for b in buttons(body)]
    assert labels[0] == "再来一个" and labels[-1] == "报错" and len(labels) == 1 + 15 + 1


async def test_daily_403_is_recorded_not_retried_and_next_day_works(daily_world):
    guild, channel, moderator = await setup_server(daily_world)
    daily_world.fake.fail_channel(channel.id, 403)
    for minutes in range(0, 180, 30):
        daily_world.clock.set(datetime(2026, 3, 1, 1, minutes // 60, tzinfo=UTC) + timedelta(minutes=minutes % 60))
        await daily_world.tick()
    attempts = [r for r in daily_world.fake.requests if r[0] == "POST" and r[1] == f"/channels/{channel.id}/messages"]
    assert len(attempts) == 1  # no retry storm
    status = await daily_world.fake.slash(guild, moderator, "daily status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "403" in fields["最近的问题"]
    daily_world.fake.clear_failures(channel.id)
    daily_world.clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    await daily_world.tick()
    assert daily_world.posted_days(channel) == ["2026-03-02"]


async def test_daily_catch_up_inside_the_grace_window(daily_world):
    _guild, channel, _ = await setup_server(daily_world)
    await daily_world.stop()  # down at 09:00
    daily_world.clock.set(datetime(2026, 3, 1, 3, 0, tzinfo=UTC))  # back at 11:00, inside the 3 h grace
    await daily_world.start()
    await daily_world.tick()
    assert daily_world.posted_days(channel) == ["2026-03-01"]


async def test_daily_skips_after_the_grace_window_then_moves_on(daily_world, caplog):
    _guild, channel, _ = await setup_server(daily_world)
    await daily_world.stop()
    daily_world.clock.set(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))  # back at 13:00: too late for today
    await daily_world.start()
    await daily_world.tick()
    assert daily_world.posted_days(channel) == []
    assert "skipped the 2026-03-01 post" in caplog.text
    daily_world.clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    await daily_world.tick()
    assert daily_world.posted_days(channel) == ["2026-03-02"]


async def _simulate(world, servers, start, days, rng):
    world.clock.set(start)
    end = start + timedelta(days=days)
    while world.clock.now() < end:
        world.clock.advance(timedelta(minutes=rng.choice([20, 40, 60])))
        await world.tick()
        roll = rng.random()
        if roll < 0.02:
            await world.restart()  # a restart at a random moment
        elif roll < 0.04 and any(world.fake.channel_posts(ch.id) for _, ch, _ in servers):
            # A crash right after Discord accepted a post but before it was recorded as sent.
            with sqlite3.connect(world.settings.database_path) as raw:
                raw.execute("UPDATE daily_posts SET status = 'pending' WHERE rowid = (SELECT MAX(rowid) FROM daily_posts)"
                            " AND status = 'sent'")
            await world.restart()


async def test_daily_sixty_days_three_time_zones_restarts_exactly_once(daily_world):
    rng = random.Random(6)
    servers = [await setup_server(daily_world, "上海", "09:00", "Asia/Shanghai"),
               await setup_server(daily_world, "纽约", "02:30", "America/New_York"),  # 02:30 vanishes on 03-08
               await setup_server(daily_world, "伦敦", "23:45", "Europe/London")]
    # 30 days around the spring DST switches and 30 around the autumn ones: 60 simulated days.
    await _simulate(daily_world, servers, datetime(2026, 3, 1, 0, 0, tzinfo=UTC), 30, rng)
    await _simulate(daily_world, servers, datetime(2026, 10, 15, 0, 0, tzinfo=UTC), 30, rng)

    spring = [date(2026, 3, 1) + timedelta(days=i) for i in range(30)]
    autumn = [date(2026, 10, 15) + timedelta(days=i) for i in range(30)]
    for (_guild, channel, _), tz in zip(servers, ["Asia/Shanghai", "America/New_York", "Europe/London"], strict=True):
        days = daily_world.posted_days(channel)
        assert len(days) == len(set(days)), f"{tz}: a day was posted twice"
        posted = set(days)
        # Every local day inside the windows was posted once (edges depend on the zone's offset).
        assert {d.isoformat() for d in spring[1:-1] + autumn[1:-1]} <= posted, sorted(
            {d.isoformat() for d in spring[1:-1] + autumn[1:-1]} - posted)
        assert {"2026-03-08", "2026-11-01", "2026-03-29", "2026-10-25"} <= posted
        titles = [m["embeds"][0]["title"] for m in daily_world.fake.channel_posts(channel.id)]
        assert len(titles) == len(set(titles)), f"{tz}: a term repeated before the pool was used up"


async def test_daily_rate_limit_is_retried_and_posts_once(daily_world):
    _, channel, _ = await setup_server(daily_world)
    daily_world.fake.fail_channel(channel.id, 429, times=1)
    daily_world.clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))
    await daily_world.tick()
    attempts = [r for r in daily_world.fake.requests if r[0] == "POST" and r[1] == f"/channels/{channel.id}/messages"]
    assert len(attempts) == 2
    assert daily_world.posted_days(channel) == ["2026-03-01"]


async def test_daily_stop_during_a_post_lets_it_finish_and_records_it_as_sent(daily_world):
    _, channel, _ = await setup_server(daily_world)
    daily_world.fake.fail_channel(channel.id, 429, times=1, retry_after=0.5)  # the post is mid-retry…
    daily_world.clock.set(datetime(2026, 3, 1, 1, 0, tzinfo=UTC))
    tick = asyncio.create_task(daily_world.tick())
    path = f"/channels/{channel.id}/messages"
    while not any(r[0] == "POST" and r[1] == path for r in daily_world.fake.requests):
        await asyncio.sleep(0.01)
    await daily_world.stop()  # …when the stop comes
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await tick
    assert daily_world.posted_days(channel) == ["2026-03-01"]
    with sqlite3.connect(daily_world.settings.database_path) as raw:
        assert raw.execute("SELECT status FROM daily_posts").fetchall() == [("sent",)]
    daily_world.bot = None
