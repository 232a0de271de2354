"""Buttons under the term-of-the-day post."""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

import discord

from bot.core.i18n import ZH, register, t
from bot.ui.cards import BUTTONS_PER_ROW, LAST_ROW, add_related_buttons, open_card
from bot.ui.cooldowns import CARD_BUTTONS
from bot.ui.embeds import guild_of
from bot.ui.reports import ReportButton

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "daily.another": ("再来一个", "Another one"),
    "daily.empty_pool": ("词库是空的。", "The glossary is empty."),
})


class AnotherTermButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:random"):
    """Shows a random card to whoever clicks, only to them; works after restarts."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label=t("daily.another"), emoji="🎲", style=discord.ButtonStyle.primary,
                                           custom_id="liandan:random", row=0))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        if not await CARD_BUTTONS.allow(interaction):
            return
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        slugs = sorted(bot.services.glossary.visible_slugs(guild_of(interaction)))
        await open_card(interaction, random.choice(slugs) if slugs else None, chosen=False)


RELATED_ROWS = LAST_ROW - 1  # 再来一个 has the first row and 报错 the last, as on every card


def daily_view(related: list[tuple[str, str]], slug: str, *, lang: str = ZH) -> discord.ui.View:
    """再来一个, the related terms, and 报错 for the day's term (slug), all persistent."""
    view = discord.ui.View(timeout=None)
    view.add_item(AnotherTermButton())
    add_related_buttons(view, related[: BUTTONS_PER_ROW * RELATED_ROWS], first_row=1)
    view.add_item(ReportButton(slug, t("report.button", lang), row=LAST_ROW))
    return view
