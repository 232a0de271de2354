"""Confirm / cancel for a write a moderator asked for."""

from __future__ import annotations

import discord

from bot.core.i18n import register, t
from bot.ui.checks import NotModerator, ensure_moderator
from bot.ui.embeds import NO_PINGS, guild_of, lang_of
from bot.ui.views import OwnerOnlyView

register({
    "mod.confirm": ("确认", "Confirm"),
    "mod.cancel": ("取消", "Cancel"),
    "confirm.other_server": ("这个确认来自另一个服务器，已拒绝。", "This confirmation belongs to another server."),
})


class ConfirmView(OwnerOnlyView):
    """Only the moderator who asked may confirm, in the server they asked in, and only while still a
    moderator. The view stops only once a confirm really went through, so a refused click never
    leaves the buttons dead. Subclasses implement confirmed()."""

    def __init__(self, owner_id: int, guild_id: int, lang: str, *, timeout: float = 120):
        super().__init__(owner_id, timeout=timeout)
        self.guild_id = guild_id
        confirm = discord.ui.Button(label=t("mod.confirm", lang), style=discord.ButtonStyle.danger)
        cancel = discord.ui.Button(label=t("mod.cancel", lang), style=discord.ButtonStyle.secondary)
        confirm.callback = self._confirm
        cancel.callback = self._cancel
        self.add_item(confirm)
        self.add_item(cancel)

    async def confirmed(self, interaction: discord.Interaction) -> str:
        """Do the write; return the message that replaces the question."""
        raise NotImplementedError

    async def _confirm(self, interaction: discord.Interaction) -> None:
        if guild_of(interaction) != self.guild_id:
            raise NotModerator(t("confirm.other_server", lang_of(interaction)))
        await ensure_moderator(interaction)
        text = await self.confirmed(interaction)
        self.stop()
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NO_PINGS)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content="✖", view=None)
