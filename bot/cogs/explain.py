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

from bot.core.i18n import register, t
from bot.core.search import IndexEntry
from bot.ui.embeds import guild_of, lang_of, reply, reply_error
from bot.ui.paging import MAX_PER_PAGE, TermPages

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "explain.title": ("这条消息里的术语（{count} 个）", "Terms in this message ({count})"),
    "explain.none": ("这条消息里没有词库里的术语。", "This message mentions no term from the glossary."),
})


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
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    def found_terms(self, text: str, guild_id: int) -> list[IndexEntry]:
        """Each term visible here that the text mentions, once, in order of first appearance."""
        seen: dict[str, IndexEntry] = {}
        for _mention, entry in self.bot.services.glossary.mentions(text, guild_id):
            seen.setdefault(entry.slug, entry)
        return list(seen.values())

    async def explain_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        lang, guild_id = lang_of(interaction), guild_of(interaction)
        await self.bot.services.glossary.prepare_mentions(guild_id)  # after a write, rebuilt off the event loop
        terms = self.found_terms(message_text(message), guild_id)
        if not terms:
            await reply_error(interaction, t("explain.none", lang))
            return
        title = t("explain.title", lang, count=len(terms))
        pages = TermPages(self.bot, interaction.user.id, title, terms, lang, per_page=MAX_PER_PAGE)
        sent = await reply(interaction, embed=await pages.render(), view=pages, ephemeral=True)
        pages.message = sent or await interaction.original_response()


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Explain(bot))
