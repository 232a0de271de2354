"""Moderators' commands: /addterm, /editterm, /removeterm, /restoreterm, /termhistory, /suggestterm."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.core.glossary import CHOICE_PREFIX, choice_value
from bot.core.i18n import register, t
from bot.core.moderation import TermError
from bot.core.store import StoredTerm
from bot.ui.checks import moderator_only
from bot.ui.choices import CATEGORY_CHOICES
from bot.ui.cooldowns import SUGGEST_RATE, member_cooldown
from bot.ui.embeds import guild_of, lang_of, reply, reply_error
from bot.ui.moderation import AddTermModal, EditTermModal, RemoveTermConfirm, RevertView, history_embed, show_card
from bot.ui.proposals import ProposalButton, SuggestTermModal

if TYPE_CHECKING:
    from bot.client import LiandanBot

register(
    {
        "mod.invalid": ("内容不符合要求：\n{problems}", "That doesn't fit the rules:\n{problems}"),
        "mod.name_taken": (
            "「{name}」已经是术语「{owner}」的名称或别名了。",
            "“{name}” is already a name of “{owner}”.",
        ),
        "mod.not_found": ("找不到术语「{name}」。", "No term “{name}” here."),
        "mod.nothing_to_restore": ("「{name}」没有可以恢复的版本。", "Nothing to restore for “{name}”."),
        "mod.no_revision": ("找不到这个历史版本。", "No such revision."),
        "mod.import_invalid": (
            "文件有问题，什么都没有导入：\n{problems}",
            "The file has problems; nothing was imported:\n{problems}",
        ),
        "mod.confirm_remove": (
            "确定删除「{name}」吗？之后可以用 /restoreterm 恢复。",
            "Remove “{name}”? /restoreterm can bring it back.",
        ),
        "mod.history_empty": ("「{name}」还没有本服务器的修改记录。", "“{name}” has no changes in this server yet."),
        "mod.no_review_channel": (
            "管理员还没有设置审核频道（/glossary config review_channel）。",
            "Moderators haven't set a review channel yet (/glossary config review_channel).",
        ),
    }
)



async def term_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    return [
        app_commands.Choice(name=c.name, value=c.value)
        for c in bot.services.glossary.complete(current, guild_of(interaction))
    ]


async def removed_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=name[:100], value=choice_value(slug))
        for slug, name in await bot.services.terms.restorable(guild_of(interaction))
        if needle in name.lower() or needle in slug
    ][:25]


class Moderation(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.services = bot.services

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ProposalButton)

    async def _visible(self, interaction: discord.Interaction, value: str) -> StoredTerm:
        """The term a command's argument names in this server, or a clear refusal."""
        result = await self.services.glossary.define(value, guild_of(interaction))
        if result.term is None:
            raise TermError("mod.not_found", name=value.removeprefix(CHOICE_PREFIX))
        return result.term

    # --- add / edit ---------------------------------------------------------------------
    @app_commands.command(
        name="addterm", description=_("为本服务器添加术语（管理员）", en="Add a term to this server's glossary")
    )
    @app_commands.describe(category=_("分类", en="Category"))
    @app_commands.choices(category=CATEGORY_CHOICES)
    @moderator_only()
    async def addterm(self, interaction: discord.Interaction, category: app_commands.Choice[str]) -> None:
        await interaction.response.send_modal(AddTermModal(category=category.value, lang=lang_of(interaction)))

    @app_commands.command(
        name="editterm",
        description=_(
            "编辑术语，内置术语会生成本服务器版本（管理员）", en="Edit a term (shipped ones get a server version)"
        ),
    )
    @app_commands.describe(term=_("要编辑的术语", en="Term to edit"))
    @app_commands.autocomplete(term=term_autocomplete)
    @moderator_only()
    async def editterm(self, interaction: discord.Interaction, term: str) -> None:
        current = await self._visible(interaction, term)
        await interaction.response.send_modal(EditTermModal(current, lang=lang_of(interaction)))

    # --- remove / restore ------------------------------------------------------------------
    @app_commands.command(
        name="removeterm", description=_("删除术语，可恢复（管理员）", en="Remove a term (restorable)")
    )
    @app_commands.describe(term=_("要删除的术语", en="Term to remove"))
    @app_commands.autocomplete(term=term_autocomplete)
    @moderator_only()
    async def removeterm(self, interaction: discord.Interaction, term: str) -> None:
        lang = lang_of(interaction)
        stored = await self._visible(interaction, term)
        view = RemoveTermConfirm(interaction.user.id, guild_of(interaction), lang, stored.term.id)
        await reply(interaction, t("mod.confirm_remove", lang, name=stored.term.term), view=view, ephemeral=True)

    @app_commands.command(
        name="restoreterm",
        description=_("恢复删除的术语或内置原版（管理员）", en="Restore a removed term or a shipped original"),
    )
    @app_commands.describe(term=_("要恢复的术语", en="Term to restore"))
    @app_commands.autocomplete(term=removed_autocomplete)
    @moderator_only()
    async def restoreterm(self, interaction: discord.Interaction, term: str) -> None:
        slug = term.removeprefix(CHOICE_PREFIX)
        stored = await self.services.terms.restore(guild_of(interaction), slug, interaction.user.id)
        await show_card(interaction, stored, ephemeral=True)

    # --- history -----------------------------------------------------------------------------
    @app_commands.command(
        name="termhistory", description=_("查看术语的修改历史并回退（管理员）", en="Who changed a term, and revert")
    )
    @app_commands.describe(term=_("术语", en="Term"))
    @app_commands.autocomplete(term=term_autocomplete)
    @moderator_only()
    async def termhistory(self, interaction: discord.Interaction, term: str) -> None:
        lang, guild_id, terms = lang_of(interaction), guild_of(interaction), self.services.terms
        slug = term.removeprefix(CHOICE_PREFIX)
        if not await terms.history(guild_id, slug):
            slug = (await self._visible(interaction, term)).term.id
        revisions = (await terms.history(guild_id, slug))[:20]
        if not revisions:
            await reply_error(interaction, t("mod.history_empty", lang, name=slug))
            return
        embed = history_embed(slug, revisions, lang, await terms.shipped_update(guild_id, slug))
        view = RevertView(interaction.user.id, guild_id, revisions, lang)
        await reply(interaction, embed=embed, view=view, ephemeral=True)

    # --- proposals ---------------------------------------------------------------------------
    @app_commands.command(
        name="suggestterm", description=_("向管理员建议一个新术语", en="Suggest a new term to the moderators")
    )
    @app_commands.describe(category=_("分类", en="Category"))
    @app_commands.choices(category=CATEGORY_CHOICES)
    @app_commands.guild_only()
    @app_commands.allowed_installs(guilds=True, users=False)  # proposals belong to a server that added the bot
    @member_cooldown(*SUGGEST_RATE)
    async def suggestterm(self, interaction: discord.Interaction, category: app_commands.Choice[str]) -> None:
        lang = lang_of(interaction)
        if not guild_of(interaction):
            await reply_error(interaction, t("check.guild_only", lang))
            return
        settings = await self.services.settings.get(guild_of(interaction))
        if settings.review_channel_id is None:
            await reply_error(interaction, t("mod.no_review_channel", lang))
            return
        modal = SuggestTermModal(category=category.value, lang=lang, review_channel_id=settings.review_channel_id)
        await interaction.response.send_modal(modal)


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Moderation(bot))
