"""/define: look a term up, with autocomplete and "did you mean" buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.core.glossary import CHOICE_PREFIX
from bot.core.i18n import t
from bot.core.normalize import visible_form
from bot.core.text import clip
from bot.ui.cards import card_message
from bot.ui.embeds import NO_PINGS, guild_of, lang_of, reply, reply_error
from bot.ui.views import CandidateView

if TYPE_CHECKING:
    from bot.client import LiandanBot



ECHO_LIMIT = 100  # the option's own max_length, which Discord clients enforce and crafted requests don't


class Define(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot

    @app_commands.command(
        name="define",
        description=_("查询 AIGC 术语的解释", en="Explain an AIGC / AI-art / LLM term"),
    )
    @app_commands.describe(term=_("术语、别名、拼音或英文名", en="Term, alias, pinyin or English name"))
    async def define(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100]) -> None:
        lang = lang_of(interaction)
        guild_id = guild_of(interaction)
        result = await self.bot.services.glossary.define(term, guild_id)
        self.bot.dispatch("term_lookup", guild_id, term, result)
        shown = clip(visible_form(term.removeprefix(CHOICE_PREFIX)), ECHO_LIMIT)  # discord.py doesn't cap input
        if result.term is not None:
            embed, view = await card_message(self.bot, result.term, interaction)
            await reply(interaction, embed=embed, view=view)
        elif result.suggestions:
            view = CandidateView(interaction.user.id, result.suggestions, timeout=self.bot.suggestion_timeout)
            await interaction.response.send_message(
                t("define.suggest", lang, query=shown), view=view, allowed_mentions=NO_PINGS
            )
            view.message = await interaction.original_response()
        else:
            await reply_error(interaction, t("define.not_found", lang, query=shown))

    @define.autocomplete("term")
    async def define_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=c.name, value=c.value)
            for c in self.bot.services.glossary.complete(current, guild_of(interaction))
        ]


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Define(bot))
