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
    """The server whose glossary and settings apply: 0 (the shipped glossary, no per-server state)
    unless the server itself installed the bot. Reached through a user's own install (a DM, a group
    DM, or a server without the bot), the bot keeps nothing for that place."""
    if interaction.guild_id and interaction.is_guild_integration():
        return interaction.guild_id
    return 0


def answers_privately(interaction: discord.Interaction) -> bool:
    """True where Discord forces a reply to be ephemeral: a user-installed command in a server that
    doesn't let this member use external apps publicly (the bot isn't installed there)."""
    if interaction.guild_id is None or interaction.is_guild_integration():
        return False
    return not interaction.permissions.use_external_apps


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = False,
    **kwargs,
) -> discord.InteractionMessage | None:
    """Respond or follow up, whichever is still possible, never pinging anyone. Returns the message
    a response created, which Discord sends back with the response (no extra request); None for a
    follow-up."""
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    if content is not None:
        content = clip(content, MESSAGE_LIMIT)
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, **kwargs)
        return None
    sent = await interaction.response.send_message(content, ephemeral=ephemeral, **kwargs)
    return sent.resource if isinstance(sent.resource, discord.InteractionMessage) else None


async def reply_error(interaction: discord.Interaction, text: str) -> None:
    await reply(interaction, text, ephemeral=True)
