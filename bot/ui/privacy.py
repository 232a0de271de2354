"""The confirmation before a server's data is deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core.i18n import register, t
from bot.ui.confirm import ConfirmView

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "privacy.confirm": (
        "⚠️ 确定删除本服务器在炼丹词典里的全部数据吗？包括本服务器的术语和修改历史、隐藏的内置术语、"
        "查不到的词的统计、成员的建议、设置和今日术语（会停止发布）。此操作不能撤销；"
        "需要的话先用 /glossary export 备份术语。",
        "⚠️ Delete all of this server's data in Liandan? That is this server's terms and their history, "
        "hidden built-in terms, the counts of lookups that found nothing, members' suggestions, the settings "
        "and the term of the day (posting stops). This cannot be undone; /glossary export first if you "
        "want a copy of your terms.",
    ),
    "privacy.purged": (
        "已删除本服务器的全部数据（包括 {terms} 个本服务器的术语）。内置词库照常可用。",
        "Deleted all of this server's data, including {terms} terms of its own. The built-in glossary still works.",
    ),
})


class PurgeConfirm(ConfirmView):
    def __init__(self, owner_id: int, guild_id: int, lang: str):
        super().__init__(owner_id, guild_id, lang)
        self.lang = lang

    async def confirmed(self, interaction: discord.Interaction) -> str:
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        report = await bot.services.privacy.purge(self.guild_id)
        return t("privacy.purged", self.lang, terms=report.terms)
