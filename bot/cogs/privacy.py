"""Keeping a server's data only while it is wanted: 30 days after the bot leaves, then purged."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from bot.core.privacy import PurgeReport

if TYPE_CHECKING:
    from bot.client import LiandanBot

log = logging.getLogger(__name__)
SWEEP_HOURS = 1.0


class Privacy(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.privacy = bot.services.privacy

    async def cog_load(self) -> None:
        self.purger.start()

    async def cog_unload(self) -> None:
        self.purger.cancel()

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.privacy.left(guild.id, self.bot.clock.now())
        log.info("left server %d; its data is purged in 30 days unless the bot is invited back", guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        if await self.privacy.returned(guild.id):
            log.info("back in server %d; its data is kept", guild.id)

    @tasks.loop(hours=SWEEP_HOURS)
    async def purger(self) -> None:
        await self.sweep()

    @purger.before_loop
    async def _wait_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def sweep(self) -> list[PurgeReport]:
        """Purge servers left 30 days ago; the loop calls it, and so can tests with a set clock."""
        present = {guild.id for guild in self.bot.guilds}
        reports = await self.privacy.purge_due(self.bot.clock.now(), present)
        for report in reports:
            log.info("purged server %d: %s", report.guild_id, report.rows)
        return reports


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Privacy(bot))
