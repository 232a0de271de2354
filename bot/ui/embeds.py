"""Card → discord.Embed, and the reply helpers every cog uses."""

from __future__ import annotations

import discord

from bot.core.card import Card
from bot.core.i18n import locale_lang
from bot.core.text import clip

NO_PINGS = discord.AllowedMentions.none()
BLURPLE = 0x5865F2  # Discord's own colour, for the bot's status and history embeds
BUTTON_LABEL_LIMIT = 80
MESSAGE_LIMIT = 2000


def clip_label(text: str) -> str:
    return clip(text, BUTTON_LABEL_LIMIT)


def card_to_embed(card: Card) -> discord.Embed:
    embed = discord.Embed(title=card.title, description=card.description, colour=card.colour)
    if card.header:
        embed.set_author(name=card.header)
    for f in card.fields:
        embed.add_field(name=f.name, value=f.value, inline=f.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def lang_of(interaction: discord.Interaction) -> str:
    return locale_lang(str(interaction.locale))


def guild_of(interaction: discord.Interaction) -> int:
    return interaction.guild_id or 0


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = False,
    **kwargs,
) -> None:
    """Respond or follow up, whichever is still possible, never pinging anyone."""
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    if content is not None:
        content = clip(content, MESSAGE_LIMIT)
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, **kwargs)


async def reply_error(interaction: discord.Interaction, text: str) -> None:
    await reply(interaction, text, ephemeral=True)
