"""/daily: a term-of-the-day post per server, at its own local time, exactly once a day."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.core.card import daily_header
from bot.core.daily import DailyConfig, ScheduleError, nonce_for, parse_time, parse_zone, search_timezones
from bot.core.daily_service import DailyService, PostFailedTemporarily, PostRejected
from bot.core.i18n import ZH, register, t
from bot.ui.checks import ensure_moderator
from bot.ui.daily_view import AnotherTermButton, daily_view
from bot.ui.embeds import BLURPLE, NO_PINGS, card_to_embed, lang_of, reply, reply_error

if TYPE_CHECKING:
    from bot.client import LiandanBot

log = logging.getLogger(__name__)
STOP_WAIT = 10.0  # seconds a stop waits for a daily tick in progress to record what it sent

register({
    "daily.bad_time": ("时间「{value}」不对，请用 24 小时制 HH:MM，例如 09:00。",
                       "“{value}” is not a time; use 24-hour HH:MM, e.g. 09:00."),
    "daily.bad_timezone": ("找不到时区「{value}」，请从自动补全里选，例如 Asia/Shanghai。",
                           "No time zone “{value}”; pick one from the suggestions, e.g. Asia/Shanghai."),
    "daily.bad_channel": ("我没有在 {channel} 发消息的权限（需要查看频道、发送消息、嵌入链接）。",
                          "I can't post in {channel} (I need View Channel, Send Messages and Embed Links)."),
    "daily.set_ok": ("好的！每天 {time}（{tz}）会在 {channel} 发布今日术语。下一次：{next}。",
                     "Done! A term of the day goes to {channel} every day at {time} ({tz}). Next: {next}."),
    "daily.off_ok": ("已关闭今日术语。", "Term of the day is off."),
    "daily.not_set": ("本服务器还没有设置今日术语，用 /daily set 开启。",
                      "Term of the day isn't set up here; use /daily set."),
    "daily.status_title": ("今日术语设置", "Term of the day"),
    "daily.status_channel": ("频道", "Channel"),
    "daily.status_time": ("发布时间", "Post time"),
    "daily.status_next": ("下一次发布", "Next post"),
    "daily.status_last": ("上一次发布", "Last post"),
    "daily.status_problem": ("最近的问题", "Last problem"),
    "daily.status_off": ("已关闭", "Off"),
    "daily.none": ("暂无", "None yet"),
})


@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # moderators' commands: never in a user's own install
@app_commands.default_permissions(manage_guild=True)
class Daily(
    commands.GroupCog, group_name="daily", group_description=_("每日术语（管理员）", en="Term of the day (moderators)")
):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.glossary = bot.services.glossary
        self.store = bot.services.daily
        self.service = DailyService(self.store, self.glossary.visible_slugs, prepare=self._prepare_post,
                                    pool_version=self.glossary.pool_version,
                                    owns=lambda guild_id: bot.settings.shards.owns(guild_id))
        self._tick_lock = asyncio.Lock()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnotherTermButton)
        self.scheduler.start()

    async def cog_unload(self) -> None:
        # Cancelling a tick mid-way could leave a post that went out recorded as unconfirmed:
        # let the servers already begun finish (bounded), start no more, then end the loop.
        self.service.stop_starting()
        try:
            await asyncio.wait_for(self._tick_lock.acquire(), timeout=STOP_WAIT)
        except TimeoutError:
            log.warning("the daily tick did not finish within %s s; cancelled", STOP_WAIT)
        self.scheduler.cancel()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await ensure_moderator(interaction)  # every /daily subcommand writes or reveals settings

    # --- the scheduler -----------------------------------------------------------------
    @tasks.loop(seconds=30)
    async def scheduler(self) -> None:
        await self.tick()

    @scheduler.before_loop
    async def _wait_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def tick(self) -> None:
        """One pass over every server; the loop calls it, and so can tests with a set clock."""
        async with self._tick_lock:
            await self.service.tick(self.bot.clock.now())

    async def _prepare_post(self, config: DailyConfig, day: date, slug: str) -> Callable[[], Awaitable[int]]:
        """Build the day's card; the returned step sends it (the service paces only that step).
        The outcome is announced as the event `daily_post` (ok: bool)."""
        try:
            send = await self._prepare_card(config, day, slug)
        except Exception:
            self.bot.dispatch("daily_post", False)
            raise

        async def announced() -> int:
            try:
                message_id = await send()
            except Exception:
                self.bot.dispatch("daily_post", False)
                raise
            self.bot.dispatch("daily_post", True)
            return message_id

        return announced

    async def _prepare_card(self, config: DailyConfig, day: date, slug: str) -> Callable[[], Awaitable[int]]:
        stored = await self.glossary.by_slug(slug, config.guild_id)
        if stored is None:
            raise PostRejected(f"term {slug!r} is no longer in this server's glossary")
        card = await self.glossary.card(stored, config.guild_id, lang=ZH, header=daily_header(day.isoformat()))
        view = daily_view(await self.glossary.related_names(stored.term, config.guild_id), stored.term.id)
        embed = card_to_embed(card)

        async def send() -> int:
            try:
                channel = self.bot.get_channel(config.channel_id) or await self.bot.fetch_channel(config.channel_id)
                message = await channel.send(  # type: ignore[union-attr]
                    embed=embed, view=view, allowed_mentions=NO_PINGS, nonce=nonce_for(config.guild_id, day)
                )
            except (discord.Forbidden, discord.NotFound) as exc:
                raise PostRejected(f"{exc.status} {exc.text or exc.__class__.__name__}") from exc
            except discord.DiscordServerError as exc:
                raise PostFailedTemporarily(f"{exc.status} {exc.text}") from exc
            return message.id

        return send

    # --- commands ------------------------------------------------------------------------
    @app_commands.command(name="set", description=_("设置今日术语的频道和时间", en="Choose the channel and local time"))
    @app_commands.describe(
        channel=_("发布到哪个频道", en="Channel to post in"),
        time=_("每天几点发布，24 小时制，例如 09:00", en="Local time, 24-hour HH:MM, e.g. 09:00"),
        timezone=_("时区，例如 Asia/Shanghai", en="IANA time zone, e.g. Asia/Shanghai"),
    )
    async def set_(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str,
                   timezone: str | None = None) -> None:
        lang = lang_of(interaction)
        try:
            post_time = parse_time(time)
            zone_name = timezone or self.bot.settings.timezone
            parse_zone(zone_name)
        except ScheduleError as exc:
            await reply_error(interaction, t(exc.key, lang, value=exc.value))
            return
        guild = interaction.guild
        target = guild.get_channel(channel.id) if guild else None
        me = guild.me if guild else None
        perms = target.permissions_for(me) if target is not None and me is not None else None
        if perms is None or not (perms.view_channel and perms.send_messages and perms.embed_links):
            await reply_error(interaction, t("daily.bad_channel", lang, channel=channel.mention))
            return
        now = self.bot.clock.now()
        config = DailyConfig(interaction.guild_id, channel.id, post_time, zone_name, active_since=now)
        await self.store.configure(config)
        status = await self.service.status(config.guild_id, now)
        await reply(interaction, t("daily.set_ok", lang, time=post_time.strftime("%H:%M"), tz=zone_name,
                                   channel=channel.mention, next=_local(status.next_post_at, config)), ephemeral=True)

    @set_.autocomplete("timezone")
    async def _timezone_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in search_timezones(current)]

    @app_commands.command(name="off", description=_("关闭今日术语", en="Stop the term of the day"))
    async def off(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        if await self.store.disable(interaction.guild_id):
            await reply(interaction, t("daily.off_ok", lang), ephemeral=True)
        else:
            await reply_error(interaction, t("daily.not_set", lang))

    @app_commands.command(
        name="status", description=_("查看今日术语的设置和状态", en="Show settings, next post and problems")
    )
    async def status(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        status = await self.service.status(interaction.guild_id, self.bot.clock.now())
        config = status.config
        if config is None:
            await reply_error(interaction, t("daily.not_set", lang))
            return
        embed = discord.Embed(title=t("daily.status_title", lang), colour=BLURPLE)
        embed.add_field(name=t("daily.status_channel", lang), value=f"<#{config.channel_id}>")
        embed.add_field(name=t("daily.status_time", lang), value=f"{config.post_time:%H:%M} ({config.timezone})")
        embed.add_field(name=t("daily.status_next", lang),
                        value=_local(status.next_post_at, config) if config.enabled else t("daily.status_off", lang))
        last = status.last_sent
        last_text = t("daily.none", lang)
        if last is not None:
            stored = await self.glossary.by_slug(last.slug, config.guild_id)
            last_text = f"{last.local_date.isoformat()} · {stored.term.term if stored else last.slug}"
        embed.add_field(name=t("daily.status_last", lang), value=last_text, inline=False)
        if status.last_problem is not None:
            problem = status.last_problem
            embed.add_field(name=t("daily.status_problem", lang),
                            value=f"{problem.local_date.isoformat()} · {problem.error}"[:1024], inline=False)
        await reply(interaction, embed=embed, ephemeral=True)

    @app_commands.command(
        name="preview", description=_("预览下一条今日术语", en="Preview the next post (only you see it)")
    )
    async def preview(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        slug = await self.service.preview_slug(interaction.guild_id)
        stored = await self.glossary.by_slug(slug, interaction.guild_id) if slug else None
        if stored is None:
            await reply_error(interaction, t("daily.empty_pool", lang))
            return
        config = await self.store.config(interaction.guild_id)
        day = config.local_date(self.bot.clock.now()) if config else self.bot.clock.now().date()
        card = await self.glossary.card(stored, interaction.guild_id, lang=lang,
                                            header=daily_header(day.isoformat(), lang))
        view = daily_view(await self.glossary.related_names(stored.term, interaction.guild_id), stored.term.id,
                          lang=lang)
        await reply(interaction, embed=card_to_embed(card), view=view, ephemeral=True)


def _local(instant, config: DailyConfig) -> str:
    if instant is None:
        return "—"
    return instant.astimezone(config.zone).strftime("%Y-%m-%d %H:%M %Z")


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Daily(bot))
