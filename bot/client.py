"""The discord.py bot: start-up, command sync, error replies."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.cogs import EXTENSIONS
from bot.config import ConfigError, Settings
from bot.core.clock import Clock, SystemClock
from bot.core.glossary import Glossary
from bot.core.i18n import t
from bot.core.loader import GlossaryError
from bot.core.moderation import TermError
from bot.core.services import Services
from bot.health import HEARTBEAT_SECONDS, clear_heartbeat, write_heartbeat
from bot.logs import setup_logging
from bot.startup import install_stop_signals, wait_until_reachable
from bot.translator import ExtrasTranslator
from bot.ui.cards import RelatedTermButton
from bot.ui.cooldowns import cooldown_text
from bot.ui.embeds import lang_of, reply_error
from bot.ui.paging import OpenTermSelect, TermPages, TurnButton
from bot.ui.reports import EditReportedButton, ReportButton

log = logging.getLogger("bot")


class LiandanTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """Every failure ends as a short ephemeral message, Chinese first, never a silent spinner."""
        interaction.client.dispatch("interaction_failed", interaction, error)  # counted by cogs/metrics.py
        lang = lang_of(interaction)
        original = getattr(error, "original", error)
        if isinstance(original, TermError):
            text = t(original.key, lang, **original.values)
        elif isinstance(original, app_commands.CommandOnCooldown):
            text = cooldown_text(original.retry_after, lang)
        elif isinstance(original, app_commands.CheckFailure | app_commands.TransformerError):
            text = str(original) or t("error.generic", lang)
        else:
            log.error("interaction failed", exc_info=original)
            text = t("error.generic", lang)
        try:
            await reply_error(interaction, text[:2000])
        except discord.HTTPException:
            log.warning("could not report an error to the user")


class LiandanBot(commands.Bot):
    def __init__(self, settings: Settings, glossary: Glossary, *, clock: Clock | None = None, **shard_options):
        super().__init__(
            command_prefix=commands.when_mentioned,  # slash commands only; no message content intent
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=LiandanTree,
            help_command=None,
            **shard_options,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.suggestion_timeout = 180.0  # seconds before "did you mean" buttons go grey
        self._glossary = glossary
        self.services: Services  # built once in setup_hook; every cog uses them through the bot
        self.live_pages: dict[int, TermPages] = {}  # lists whose ◀ ▶ still turn, by message id, until they time out

    async def setup_hook(self) -> None:
        self.services = Services.create(self._glossary)
        await self.services.start()  # lookup-path counts (gaps, lookups, …) are written in batches
        self.heartbeat.start()
        await self.tree.set_translator(ExtrasTranslator())
        self.add_dynamic_items(RelatedTermButton, ReportButton, EditReportedButton, OpenTermSelect, TurnButton)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d commands", len(synced))

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))
        # A first start with many new terms left /search's tables for now, to connect sooner.
        self.services.glossary.start_fulltext_backfill()

    @tasks.loop(seconds=HEARTBEAT_SECONDS)
    async def heartbeat(self) -> None:
        """Beat while the gateway session is up; `python -m bot health` reads the file."""
        if self.is_ready() and not self.is_closed() and self.ws is not None and self.ws.open:
            write_heartbeat(self.settings.heartbeat_path)

    @heartbeat.before_loop
    async def _heartbeat_after_ready(self) -> None:
        await self.wait_until_ready()

    async def close(self) -> None:
        self.heartbeat.cancel()
        clear_heartbeat(self.settings.heartbeat_path)
        await super().close()
        if hasattr(self, "services"):
            await self.services.counts.stop()  # counts taken before the stop are kept


class ShardedLiandanBot(LiandanBot, commands.AutoShardedBot):
    """The same bot on discord.py's AutoShardedClient: SHARD_COUNT shards in all, SHARD_IDS of them here."""

    def __init__(self, settings: Settings, glossary: Glossary, *, clock: Clock | None = None):
        plan = settings.shards
        super().__init__(settings, glossary, clock=clock, shard_count=plan.count,
                         shard_ids=list(plan.ids) if plan.ids is not None else None)


def make_bot(settings: Settings, glossary: Glossary) -> LiandanBot:
    """One process, one connection unless SHARD_COUNT asks for shards."""
    cls = ShardedLiandanBot if settings.shards.count else LiandanBot
    return cls(settings, glossary)


async def _connect(bot: LiandanBot, token: str, stop: asyncio.Event) -> None:
    """Wait for Discord (retrying with backoff), log in, and run until the bot is closed."""
    if not await wait_until_reachable(discord.http.Route.BASE, stop):
        return
    await bot.login(token)
    await bot.connect()


async def _run_until_stopped(bot: LiandanBot, token: str, stop: asyncio.Event) -> None:
    runner = asyncio.create_task(_connect(bot, token, stop))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({runner, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if runner.done():
        runner.result()  # ended on its own: LoginFailure and the like propagate
        return
    await bot.close()  # ends connect(); pending gap counts are written here
    try:
        await asyncio.wait_for(runner, timeout=5)
    except TimeoutError:
        log.warning("the connection did not stop within 5 s; cancelled")
    except Exception as exc:  # still logging in when the stop came; nothing left to save
        log.info("stopped during start-up (%s)", type(exc).__name__)


async def _close_database(glossary: Glossary) -> None:
    """Let a write already in progress commit (writes take turns), then close."""
    try:
        async with glossary.db.transaction():
            pass
    except Exception as exc:
        log.warning("could not wait for pending writes before closing the database: %s", exc)
    finally:
        await glossary.close()


async def _serve(settings: Settings, token: str) -> None:
    stop = asyncio.Event()
    remove_signals = install_stop_signals(stop)
    try:
        glossary, report = await Glossary.open(settings.database_path, settings.data_dir)
        log.info("glossary ready (%s)", report)
        # What start-up built (the index, 100k+ entries at scale) lives as long as the process:
        # move it out of the cycle collector's sight so full collections don't pause lookups.
        gc.collect()
        gc.freeze()
        try:
            async with make_bot(settings, glossary) as bot:
                await _run_until_stopped(bot, token, stop)
        finally:
            await _close_database(glossary)
        log.info("stopped cleanly")
    finally:
        remove_signals()


def run_bot(settings: Settings) -> int:
    setup_logging(settings.log_level, settings.log_format)
    try:
        token = settings.require_token()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(settings, token))
    except discord.LoginFailure:
        print("登录失败 / login failed: Discord rejected DISCORD_TOKEN; reset it in the Developer Portal.",
              file=sys.stderr)
        return 2
    except GlossaryError as exc:
        print(f"词库错误 / glossary error, nothing was loaded:\n{exc}", file=sys.stderr)
        return 2
    except aiohttp.ClientConnectionError as exc:  # Discord went away between the reachability check and login
        print(f"无法连接 Discord / cannot reach Discord: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
