"""Cards as Discord messages: the embed, its related-term buttons, and opening a card from a button."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.core.i18n import localize, register, t
from bot.core.store import StoredTerm
from bot.ui.cooldowns import CARD_BUTTONS
from bot.ui.embeds import NO_PINGS, card_to_embed, clip_label, guild_of, lang_of, reply_error
from bot.ui.reports import ReportButton

if TYPE_CHECKING:
    from bot.client import LiandanBot

BUTTONS_PER_ROW = 5
LAST_ROW = 4

register({
    "card.delete": ("删除", "Delete"),
    "card.delete_not_yours": (
        "只有查询的人才能删除这张卡片。", "Only the person who looked this up can delete the card."
    ),
})


async def card_message(
    bot: LiandanBot, stored: StoredTerm, interaction: discord.Interaction, *, header: str = "",
    deletable_by: int | None = None,
) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and buttons for one term, as seen in this server (in the reader's language): related
    terms, 报错 on the last row, and with deletable_by a 删除 button only that user may use."""
    glossary = bot.services.glossary
    guild_id, lang = guild_of(interaction), lang_of(interaction)
    card = await glossary.card(stored, guild_id, lang=lang, header=header)
    related = [(slug, localize(name, lang)) for slug, name in await glossary.related_names(stored.term, guild_id)]
    view = related_view(related[: BUTTONS_PER_ROW * LAST_ROW])
    view.add_item(ReportButton(stored.term.id, t("report.button", lang), row=LAST_ROW))
    if deletable_by is not None:
        view.add_item(DeleteCardButton(deletable_by, t("card.delete", lang)))
    return card_to_embed(card), view


def related_view(related: list[tuple[str, str]], *, first_row: int = 0) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    add_related_buttons(view, related, first_row=first_row)
    return view


def add_related_buttons(view: discord.ui.View, related: list[tuple[str, str]], *, first_row: int = 0) -> None:
    rows = 5 - first_row
    for i, (slug, name) in enumerate(related[: BUTTONS_PER_ROW * rows]):
        view.add_item(RelatedTermButton(slug, name, row=first_row + i // BUTTONS_PER_ROW))


async def open_card(
    interaction: discord.Interaction, slug: str | None, *, replace: bool = False, ephemeral: bool = True,
    deletable_by: int | None = None, chosen: bool = True,
) -> bool:
    """Answer with a term's card: a new message (ephemeral unless asked otherwise), or (replace) in
    place of the pressed message. A public card gets a 删除 button for deletable_by. A term that is
    gone gets a short ephemeral note instead. True if shown.

    A card the member picked (chosen; not a random one) is announced as the event `card_opened`."""
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    stored = await bot.services.glossary.by_slug(slug, guild_of(interaction)) if slug else None
    if stored is None:
        await reply_error(interaction, t("define.gone", lang_of(interaction)))
        return False
    public = replace or not ephemeral  # a replaced message keeps its visibility; callers pass deletable_by if public
    embed, view = await card_message(bot, stored, interaction, deletable_by=deletable_by if public else None)
    if replace:
        await interaction.response.edit_message(content=None, embed=embed, view=view, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral, allowed_mentions=NO_PINGS)
    if chosen:
        bot.dispatch("card_opened", guild_of(interaction), stored.term.id)
    return True


class RelatedTermButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:term:(?P<slug>[a-z0-9-]{1,64})"):
    """Opens a term's card for whoever clicks. Stateless, so it still works after a restart."""

    def __init__(self, slug: str, label: str, *, row: int | None = None):
        super().__init__(
            discord.ui.Button(
                label=clip_label(label), style=discord.ButtonStyle.secondary,
                custom_id=f"liandan:term:{slug}", row=row,
            )
        )
        self.slug = slug

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["slug"], item.label or match["slug"])

    async def callback(self, interaction: discord.Interaction) -> None:
        if await CARD_BUTTONS.allow(interaction):
            await open_card(interaction, self.slug)


class DeleteCardButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:delete:(?P<owner>[0-9]{1,20})"):
    """删除 under a public card: only the asker (whose id the custom_id carries) may remove it.

    It deletes through the interaction's own webhook, so it works where the bot was never added
    (a user's own install) and after a restart."""

    def __init__(self, owner_id: int, label: str = ""):
        super().__init__(
            discord.ui.Button(
                label=clip_label(label or t("card.delete")), style=discord.ButtonStyle.danger, emoji="🗑️",
                custom_id=f"liandan:delete:{owner_id}", row=LAST_ROW,
            )
        )
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(int(match["owner"]), item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await reply_error(interaction, t("card.delete_not_yours", lang_of(interaction)))
            return
        await interaction.response.defer()  # acknowledges the press; @original is now the card itself
        await interaction.delete_original_response()
