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
from bot.ui.cards import DeleteCardButton, card_message
from bot.ui.embeds import answers_privately, guild_of, lang_of, reply, reply_error
from bot.ui.views import CandidateView

if TYPE_CHECKING:
    from bot.client import LiandanBot


ECHO_LIMIT = 100  # the option's own max_length, which Discord clients enforce and crafted requests don't


class Define(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DeleteCardButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DeleteCardButton)

    @app_commands.command(
        name="define",
        description=_("查询 AIGC 术语的解释", en="Explain an AIGC / AI-art / LLM term"),
    )
    @app_commands.describe(
        term=_("术语、别名、拼音或英文名", en="Term, alias, pinyin or English name"),
        private=_("只有你能看到回答", en="Only you see the answer"),
    )
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def define(
        self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100], private: bool = False
    ) -> None:
        lang = lang_of(interaction)
        guild_id = guild_of(interaction)  # 0 through a user's own install: the shipped glossary, nothing kept
        result = await self.bot.services.glossary.define(term, guild_id)
        self.bot.dispatch("term_lookup", guild_id, term, result)
        shown = clip(visible_form(term.removeprefix(CHOICE_PREFIX)), ECHO_LIMIT)  # discord.py doesn't cap input
        private = private or answers_privately(interaction)
        if result.term is not None:
            owner = None if private else interaction.user.id
            embed, view = await card_message(self.bot, result.term, interaction, deletable_by=owner)
            await reply(interaction, embed=embed, view=view, ephemeral=private)
        elif result.suggestions:
            view = CandidateView(interaction.user.id, result.suggestions, timeout=self.bot.suggestion_timeout,
                                 lang=lang, public=not private)
            sent = await reply(interaction, t("define.suggest", lang, query=shown), view=view, ephemeral=private)
            view.message = sent or await interaction.original_response()
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
