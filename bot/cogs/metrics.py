"""The Prometheus endpoint: listens to the bot's events and counts them (only when METRICS_PORT is set)."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.glossary import LookupResult
from bot.metrics import Metrics, MetricsServer, is_refusal

if TYPE_CHECKING:
    from bot.client import LiandanBot

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 10_000  # start times kept for unfinished commands; the oldest go first


def command_name(interaction: discord.Interaction) -> str:
    """A label with few possible values: the command, or the kind of persistent button."""
    if interaction.command is not None:
        return interaction.command.qualified_name
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    if custom_id.startswith("liandan:"):
        return ":".join(custom_id.split(":")[:2])
    return interaction.type.name


class MetricsCog(commands.Cog, name="Metrics"):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.metrics = Metrics()
        self.server = MetricsServer(self.metrics)
        self._started: OrderedDict[int, float] = OrderedDict()

    @property
    def port(self) -> int:
        return self.server.port

    async def cog_load(self) -> None:
        glossary = self.bot.services.glossary
        self.metrics.watch(lambda: len(glossary.index), lambda: self.bot.latency, lambda: glossary.fulltext_pending)
        settings = self.bot.settings
        try:
            await self.server.start(settings.metrics_host, settings.metrics_port or 0)
        except OSError as exc:  # port taken, bad host: the bot still serves its users, without metrics
            log.error("metrics endpoint not started on %s:%s: %s", settings.metrics_host, settings.metrics_port, exc)

    async def cog_unload(self) -> None:
        await self.server.stop()

    def _elapsed(self, interaction: discord.Interaction) -> float | None:
        started = self._started.pop(interaction.id, None)
        return None if started is None else time.monotonic() - started

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.application_command:
            self._started[interaction.id] = time.monotonic()
            while len(self._started) > MAX_IN_FLIGHT:
                self._started.popitem(last=False)

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: app_commands.Command) -> None:
        self.metrics.interaction(command.qualified_name, "ok", self._elapsed(interaction))

    @commands.Cog.listener()
    async def on_interaction_failed(self, interaction: discord.Interaction, error: Exception) -> None:
        outcome = "refused" if is_refusal(error) else "error"
        self.metrics.interaction(command_name(interaction), outcome, self._elapsed(interaction))

    @commands.Cog.listener()
    async def on_term_lookup(self, guild_id: int, query: str, result: LookupResult) -> None:
        self.metrics.lookup(result.status)

    @commands.Cog.listener()
    async def on_daily_post(self, ok: bool) -> None:
        self.metrics.daily_post(ok)


async def setup(bot: LiandanBot) -> None:
    if bot.settings.metrics_port is not None:
        await bot.add_cog(MetricsCog(bot))
