"""「解释术语」: a message context menu that lists the glossary terms a message mentions.

Discord hands the bot the message with the interaction (no message-content intent needed), so it
works wherever the command can be used: the bot's own servers (their own terms count too), DMs,
group DMs and, through a user's own install, servers that never added the bot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.core.i18n import t
from bot.ui.embeds import guild_of, lang_of, reply_error
from bot.ui.explain import ExplainedTerm, TermListSource, TermPickSelect
from bot.ui.paginator import Paginator

if TYPE_CHECKING:
    from bot.client import LiandanBot


def message_text(message: discord.Message) -> str:
    """What a reader sees of a message: its content, then each embed's title, description, fields
    and footer."""
    parts: list[str | None] = [message.content]
    for embed in message.embeds:
        parts += [embed.title, embed.description]
        for field in embed.fields:
            parts += [field.name, field.value]
        parts.append(embed.footer.text)
    return "\n".join(part for part in parts if part)


class Explain(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        menu = app_commands.ContextMenu(name=_("解释术语", en="Explain terms"), callback=self.explain_message)
        menu = app_commands.allowed_installs(guilds=True, users=True)(menu)
        self.menu = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(menu)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(TermPickSelect)
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        self.bot.remove_dynamic_items(TermPickSelect)

    async def found_terms(self, text: str, guild_id: int) -> list[ExplainedTerm]:
        """Each term the text mentions, once, in order of first appearance, with its summary."""
        glossary = self.bot.services.glossary
        seen: set[str] = set()
        terms = []
        for _mention, entry in glossary.mentions(text, guild_id):
            if entry.slug in seen:
                continue
            seen.add(entry.slug)
            stored = await glossary.by_slug(entry.slug, guild_id)
            if stored is not None:
                terms.append(ExplainedTerm(entry.slug, stored.term.term, stored.term.en, stored.term.summary))
        return terms

    async def explain_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        lang = lang_of(interaction)
        terms = await self.found_terms(message_text(message), guild_of(interaction))
        if not terms:
            await reply_error(interaction, t("explain.none", lang))
            return
        paginator = Paginator(interaction.user.id, TermListSource(terms, lang))
        await paginator.start(interaction, ephemeral=True)


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Explain(bot))
