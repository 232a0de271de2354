"""Buttons under the term-of-the-day post."""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

import discord

from bot.core.i18n import register, t
from bot.ui.embeds import NO_PINGS, guild_of, lang_of, reply_error
from bot.ui.views import BUTTONS_PER_ROW, RelatedTermButton, card_message

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
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        slugs = sorted(bot.glossary.visible_slugs(guild_of(interaction)))
        stored = await bot.glossary.by_slug(random.choice(slugs), guild_of(interaction)) if slugs else None
        if stored is None:
            await reply_error(interaction, t("daily.empty_pool", lang_of(interaction)))
            return
        embed, view = await card_message(bot, stored, interaction)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True, allowed_mentions=NO_PINGS)


def daily_view(related: list[tuple[str, str]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnotherTermButton())
    for i, (slug, name) in enumerate(related[: BUTTONS_PER_ROW * 3]):
        view.add_item(RelatedTermButton(slug, name, row=1 + i // BUTTONS_PER_ROW))
    return view
