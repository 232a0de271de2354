"""Buttons under cards: persistent related-term buttons and "did you mean" choices."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING

import discord

from bot.core.glossary import Suggestion, choice_label
from bot.core.i18n import t
from bot.core.store import StoredTerm
from bot.ui.embeds import NO_PINGS, card_to_embed, guild_of, lang_of, reply_error

if TYPE_CHECKING:
    from bot.client import LiandanBot

BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_ROW = 5


def _label(text: str) -> str:
    return text if len(text) <= BUTTON_LABEL_LIMIT else text[: BUTTON_LABEL_LIMIT - 1] + "…"


class RelatedTermButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:term:(?P<slug>[a-z0-9-]{1,64})"):
    """Opens a term's card for whoever clicks. Stateless, so it still works after a restart."""

    def __init__(self, slug: str, label: str, *, row: int | None = None):
        super().__init__(
            discord.ui.Button(
                label=_label(label), style=discord.ButtonStyle.secondary,
                custom_id=f"liandan:term:{slug}", row=row,
            )
        )
        self.slug = slug

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["slug"], item.label or match["slug"])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        stored = await bot.glossary.by_slug(self.slug, guild_of(interaction))
        if stored is None:
            await reply_error(interaction, t("define.gone", lang_of(interaction)))
            return
        embed, view = await card_message(bot, stored, interaction)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True, allowed_mentions=NO_PINGS)


async def card_message(
    bot: LiandanBot, stored: StoredTerm, interaction: discord.Interaction, *, header: str = ""
) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and related-term buttons for one term, as seen in this server."""
    guild_id = guild_of(interaction)
    lang = lang_of(interaction)
    card = await bot.glossary.card(stored, guild_id, lang=lang, header=header)
    view = related_view(await bot.glossary.related_names(stored.term, guild_id))
    return card_to_embed(card), view


def related_view(related: list[tuple[str, str]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, (slug, name) in enumerate(related[: BUTTONS_PER_ROW * 4]):
        view.add_item(RelatedTermButton(slug, name, row=i // BUTTONS_PER_ROW))
    return view


class ReportingView(discord.ui.View):
    """A view whose callback errors reach the user the same way command errors do."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


class SuggestionView(discord.ui.View):
    """"你是不是要找…" buttons: only the asker may press them; a press turns the reply into the card."""

    def __init__(self, bot: LiandanBot, owner_id: int, suggestions: list[Suggestion], *, timeout: float = 180):
        super().__init__(timeout=timeout)
        self.bot = bot
        self.owner_id = owner_id
        self.message: discord.InteractionMessage | None = None
        for suggestion in suggestions[:BUTTONS_PER_ROW]:
            button = discord.ui.Button(
                label=_label(choice_label(suggestion.term, suggestion.en)),
                style=discord.ButtonStyle.primary,
            )
            button.callback = self._opener(suggestion.slug)
            self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await reply_error(interaction, t("view.not_yours", lang_of(interaction)))
            return False
        return True

    def _opener(self, slug: str):
        async def open_card(interaction: discord.Interaction) -> None:
            stored = await self.bot.glossary.by_slug(slug, guild_of(interaction))
            if stored is None:
                await reply_error(interaction, t("define.gone", lang_of(interaction)))
                return
            embed, view = await card_message(self.bot, stored, interaction)
            self.stop()
            await interaction.response.edit_message(content=None, embed=embed, view=view, allowed_mentions=NO_PINGS)

        return open_card

    async def on_timeout(self) -> None:
        # Leave the question visible but inert, rather than buttons that fail when pressed.
        if self.message is None:
            return
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        with contextlib.suppress(discord.HTTPException):
            await self.message.edit(view=self, allowed_mentions=NO_PINGS)
