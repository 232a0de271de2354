"""The discord.py bot: start-up, command sync, error replies."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys

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
from bot.translator import ExtrasTranslator
from bot.ui.cards import RelatedTermButton
from bot.ui.embeds import lang_of, reply_error

log = logging.getLogger("bot")
GAP_FLUSH_SECONDS = 10.0


class LiandanTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """Every failure ends as a short ephemeral message, Chinese first, never a silent spinner."""
        lang = lang_of(interaction)
        original = getattr(error, "original", error)
        if isinstance(original, TermError):
            text = t(original.key, lang, **original.values)
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
    def __init__(self, settings: Settings, glossary: Glossary, *, clock: Clock | None = None):
        super().__init__(
            command_prefix=commands.when_mentioned,  # slash commands only; no message content intent
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=LiandanTree,
            help_command=None,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.suggestion_timeout = 180.0  # seconds before "did you mean" buttons go grey
        self._glossary = glossary
        self.services: Services  # built once in setup_hook; every cog uses them through the bot

    async def setup_hook(self) -> None:
        self.services = Services.create(self._glossary)
        self.gap_flusher.start()
        await self.tree.set_translator(ExtrasTranslator())
        self.add_dynamic_items(RelatedTermButton)
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

    @tasks.loop(seconds=GAP_FLUSH_SECONDS)
    async def gap_flusher(self) -> None:
        await self.services.gaps.flush()

    async def close(self) -> None:
        self.gap_flusher.cancel()
        await super().close()
        if hasattr(self, "services"):
            await self.services.gaps.flush()  # counts taken before the stop are kept


async def _serve(settings: Settings, token: str) -> None:
    glossary, report = await Glossary.open(settings.database_path, settings.data_dir)
    log.info("glossary ready (%s)", report)
    # What start-up built (the index, 100k+ entries at scale) lives as long as the process:
    # move it out of the cycle collector's sight so full collections don't pause lookups.
    gc.collect()
    gc.freeze()
    try:
        async with LiandanBot(settings, glossary) as bot:
            await bot.start(token)
    finally:
        await glossary.close()


def run_bot(settings: Settings) -> int:
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
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
    except KeyboardInterrupt:
        pass
    return 0
