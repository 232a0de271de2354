"""Moderators' commands: /addterm, /editterm, /removeterm, /restoreterm, /termhistory, /suggestterm."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.core.guild_extras import Gaps, Suggestions
from bot.core.i18n import register, t
from bot.core.models import Category
from bot.core.moderation import GuildGlossary, TermError
from bot.ui.checks import ensure_moderator, moderator_only, refuse_unless_moderator
from bot.ui.embeds import NO_PINGS, card_to_embed, guild_of, lang_of, reply, reply_error
from bot.ui.term_modal import ConfirmView, TermModal
from bot.ui.views import ReportingView, card_message

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
        "mod.removed": (
            "已删除「{name}」。可以用 /restoreterm 恢复。",
            "Removed “{name}”. /restoreterm brings it back.",
        ),
        "mod.confirm": ("确认", "Confirm"),
        "mod.cancel": ("取消", "Cancel"),
        "mod.history_title": ("「{name}」的修改历史", "History of “{name}”"),
        "mod.history_empty": ("「{name}」还没有本服务器的修改记录。", "“{name}” has no changes in this server yet."),
        "mod.revert_placeholder": ("回退到某个版本…", "Revert to a revision…"),
        "mod.reverted": ("已回退到版本 #{id}。", "Reverted to revision #{id}."),
        "mod.suggest_sent": (
            "谢谢！建议已提交给管理员审核，结果会私信通知你。",
            "Thanks! Your suggestion went to the moderators; you'll get a DM with the outcome.",
        ),
        "mod.no_review_channel": (
            "管理员还没有设置审核频道（/glossary config review_channel）。",
            "Moderators haven't set a review channel yet (/glossary config review_channel).",
        ),
        "mod.review_title": ("术语建议 #{id}", "Term suggestion #{id}"),
        "mod.review_by": ("建议人：<@{user}>", "Suggested by <@{user}>"),
        "mod.approve": ("通过", "Approve"),
        "mod.reject": ("拒绝", "Reject"),
        "mod.approved": ("✅ 已由 <@{mod}> 通过。", "✅ Approved by <@{mod}>."),
        "mod.rejected": ("❌ 已由 <@{mod}> 拒绝。", "❌ Rejected by <@{mod}>."),
        "mod.already_decided": ("这条建议已经处理过了。", "This suggestion was already handled."),
        "mod.dm_approved": (
            "你在「{guild}」建议的术语「{term}」已通过，现在可以用 /define 查到了！",
            "Your suggested term “{term}” in {guild} was approved and is now in /define!",
        ),
        "mod.dm_rejected": (
            "你在「{guild}」建议的术语「{term}」没有被采纳，谢谢你的建议。",
            "Your suggested term “{term}” in {guild} was not accepted. Thanks for suggesting it.",
        ),
    }
)

CATEGORY_CHOICES = [
    app_commands.Choice(name=_(f"{c.label_zh} {c.label_en}", en=c.label_en), value=c.value) for c in Category
]


async def term_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    return [
        app_commands.Choice(name=c.name, value=c.value) for c in bot.glossary.complete(current, guild_of(interaction))
    ]


async def removed_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    cog: Moderation = bot.get_cog("Moderation")  # type: ignore[assignment]
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=name[:100], value=f"id:{slug}")
        for slug, name in await cog.guilds.restorable(guild_of(interaction))
        if needle in name.lower() or needle in slug
    ][:25]


class SuggestionButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:sugg:(?P<verdict>approve|reject):(?P<id>\d+)"
):
    """Approve / Reject under a suggestion in the review channel; survives restarts."""

    def __init__(self, verdict: str, suggestion_id: int, label: str = ""):
        style = discord.ButtonStyle.success if verdict == "approve" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(label=label or verdict, style=style, custom_id=f"liandan:sugg:{verdict}:{suggestion_id}")
        )
        self.verdict = verdict
        self.suggestion_id = suggestion_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["verdict"], int(match["id"]), item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        if not await refuse_unless_moderator(interaction):
            return
        cog: Moderation = interaction.client.get_cog("Moderation")  # type: ignore[attr-defined]
        await cog.decide_suggestion(interaction, self.suggestion_id, approve=self.verdict == "approve")


class Moderation(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.guilds = GuildGlossary(bot.glossary)
        self.gaps = Gaps(bot.glossary.db)
        self.suggestions = Suggestions(bot.glossary.db)

    async def cog_load(self) -> None:
        await self.guilds.load_hidden()
        self.bot.add_dynamic_items(SuggestionButton)
        self.bot.lookup_hooks.append(self.record_gap)

    async def cog_unload(self) -> None:
        self.bot.lookup_hooks.remove(self.record_gap)

    async def record_gap(self, guild_id: int, query: str, result) -> None:
        if result.status != "found" and not query.startswith("id:"):
            await self.gaps.record(guild_id, query)

    async def _slug(self, interaction: discord.Interaction, value: str) -> str:
        result = await self.bot.glossary.define(value, guild_of(interaction))
        if result.term is None:
            raise TermError("mod.not_found", name=value.removeprefix("id:"))
        return result.term.term.id

    async def _show_card(self, interaction: discord.Interaction, stored, *, ephemeral: bool = False) -> None:
        embed, view = await card_message(self.bot, stored, interaction)
        await reply(interaction, embed=embed, view=view, ephemeral=ephemeral)

    # --- add / edit ---------------------------------------------------------------------
    @app_commands.command(
        name="addterm", description=_("为本服务器添加术语（管理员）", en="Add a term to this server's glossary")
    )
    @app_commands.describe(category=_("分类", en="Category"))
    @app_commands.choices(category=CATEGORY_CHOICES)
    @moderator_only()
    async def addterm(self, interaction: discord.Interaction, category: app_commands.Choice[str]) -> None:
        async def submit(modal_interaction: discord.Interaction, values: dict) -> None:
            await ensure_moderator(modal_interaction)
            stored = await self.guilds.add(guild_of(modal_interaction), values, modal_interaction.user.id)
            await self._show_card(modal_interaction, stored)

        await interaction.response.send_modal(
            TermModal("modal.add", submit, category=category.value, lang=lang_of(interaction))
        )

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
        guild_id = guild_of(interaction)
        slug = await self._slug(interaction, term)
        current = await self.bot.glossary.by_slug(slug, guild_id)
        assert current is not None

        async def submit(modal_interaction: discord.Interaction, values: dict) -> None:
            await ensure_moderator(modal_interaction)
            merged = {
                **current.term.to_dict(),
                **values,
                "related": current.term.related,
                "sources": [*current.term.sources, f"server:{guild_id}"]
                if current.term.guild_id == 0
                else current.term.sources,
            }
            stored = await self.guilds.edit(guild_id, slug, merged, modal_interaction.user.id)
            await self._show_card(modal_interaction, stored)

        await interaction.response.send_modal(
            TermModal(
                "modal.edit",
                submit,
                category=current.term.category.value,
                lang=lang_of(interaction),
                defaults=current.term.to_dict(),
            )
        )

    # --- remove / restore ------------------------------------------------------------------
    @app_commands.command(
        name="removeterm", description=_("删除术语，可恢复（管理员）", en="Remove a term (restorable)")
    )
    @app_commands.describe(term=_("要删除的术语", en="Term to remove"))
    @app_commands.autocomplete(term=term_autocomplete)
    @moderator_only()
    async def removeterm(self, interaction: discord.Interaction, term: str) -> None:
        lang = lang_of(interaction)
        guild_id = guild_of(interaction)
        slug = await self._slug(interaction, term)
        stored = await self.bot.glossary.by_slug(slug, guild_id)

        async def confirmed(button_interaction: discord.Interaction) -> None:
            await ensure_moderator(button_interaction)
            name = await self.guilds.remove(guild_id, slug, button_interaction.user.id)
            await button_interaction.response.edit_message(
                content=t("mod.removed", lang, name=name), view=None, allowed_mentions=NO_PINGS
            )

        view = ConfirmView(
            interaction.user.id, confirmed, confirm_label=t("mod.confirm", lang), cancel_label=t("mod.cancel", lang)
        )
        await reply(
            interaction,
            t("mod.confirm_remove", lang, name=stored.term.term if stored else slug),
            view=view,
            ephemeral=True,
        )

    @app_commands.command(
        name="restoreterm",
        description=_("恢复删除的术语或内置原版（管理员）", en="Restore a removed term or a shipped original"),
    )
    @app_commands.describe(term=_("要恢复的术语", en="Term to restore"))
    @app_commands.autocomplete(term=removed_autocomplete)
    @moderator_only()
    async def restoreterm(self, interaction: discord.Interaction, term: str) -> None:
        slug = term.removeprefix("id:")
        stored = await self.guilds.restore(guild_of(interaction), slug, interaction.user.id)
        await self._show_card(interaction, stored, ephemeral=True)

    # --- history -----------------------------------------------------------------------------
    @app_commands.command(
        name="termhistory", description=_("查看术语的修改历史并回退（管理员）", en="Who changed a term, and revert")
    )
    @app_commands.describe(term=_("术语", en="Term"))
    @app_commands.autocomplete(term=term_autocomplete)
    @moderator_only()
    async def termhistory(self, interaction: discord.Interaction, term: str) -> None:
        lang = lang_of(interaction)
        guild_id = guild_of(interaction)
        slug = term.removeprefix("id:")
        if not (await self.guilds.history(guild_id, slug)):
            slug = await self._slug(interaction, term)
        revisions = (await self.guilds.history(guild_id, slug))[:20]
        if not revisions:
            await reply_error(interaction, t("mod.history_empty", lang, name=slug))
            return
        embed = discord.Embed(title=t("mod.history_title", lang, name=slug)[:256], colour=0x5865F2)
        lines = [
            f"`#{r.id}` {r.created_at.replace('T', ' ').rstrip('Z')} · **{r.action}** · <@{r.actor_id}>"
            + (f" · {r.snapshot['term']}" if r.snapshot else "")
            for r in revisions
        ]
        embed.description = "\n".join(lines)[:4000]
        select = discord.ui.Select(
            placeholder=t("mod.revert_placeholder", lang),
            options=[
                discord.SelectOption(
                    label=f"#{r.id} {r.action} {r.created_at[:16].replace('T', ' ')}"[:100], value=str(r.id)
                )
                for r in revisions
            ],
        )

        async def revert(select_interaction: discord.Interaction) -> None:
            await ensure_moderator(select_interaction)
            revision_id = int(select.values[0])
            await self.guilds.revert(guild_id, revision_id, select_interaction.user.id)
            await select_interaction.response.edit_message(
                content=t("mod.reverted", lang, id=revision_id), embed=None, view=None, allowed_mentions=NO_PINGS
            )

        select.callback = revert
        view = ReportingView(timeout=300)
        view.add_item(select)
        await reply(interaction, embed=embed, view=view, ephemeral=True)

    # --- suggestions ---------------------------------------------------------------------------
    @app_commands.command(
        name="suggestterm", description=_("向管理员建议一个新术语", en="Suggest a new term to the moderators")
    )
    @app_commands.describe(category=_("分类", en="Category"))
    @app_commands.choices(category=CATEGORY_CHOICES)
    @app_commands.guild_only()
    async def suggestterm(self, interaction: discord.Interaction, category: app_commands.Choice[str]) -> None:
        lang = lang_of(interaction)
        settings = await self.bot.guild_settings.get(guild_of(interaction))
        if settings.review_channel_id is None:
            await reply_error(interaction, t("mod.no_review_channel", lang))
            return

        async def submit(modal_interaction: discord.Interaction, values: dict) -> None:
            suggestion = await self.suggestions.create(guild_of(modal_interaction), modal_interaction.user.id, values)
            channel = self.bot.get_channel(settings.review_channel_id) or await self.bot.fetch_channel(
                settings.review_channel_id
            )
            preview = dict(suggestion.payload)
            from bot.core.card import build_card
            from bot.core.models import Term

            card = build_card(
                Term(**{**preview, "category": Category(preview["category"]), "guild_id": guild_of(modal_interaction)})
            )
            embed = card_to_embed(card)
            embed.set_author(name=t("mod.review_title", lang, id=suggestion.id))
            view = discord.ui.View(timeout=None)
            view.add_item(SuggestionButton("approve", suggestion.id, t("mod.approve", lang)))
            view.add_item(SuggestionButton("reject", suggestion.id, t("mod.reject", lang)))
            await channel.send(
                t("mod.review_by", lang, user=modal_interaction.user.id),
                embed=embed,
                view=view,
                allowed_mentions=NO_PINGS,
            )
            await reply(modal_interaction, t("mod.suggest_sent", lang), ephemeral=True)

        await interaction.response.send_modal(TermModal("modal.suggest", submit, category=category.value, lang=lang))

    async def decide_suggestion(self, interaction: discord.Interaction, suggestion_id: int, *, approve: bool) -> None:
        lang = lang_of(interaction)
        suggestion = await self.suggestions.get(suggestion_id)
        if suggestion is None or suggestion.status != "pending" or suggestion.guild_id != guild_of(interaction):
            await reply_error(interaction, t("mod.already_decided", lang))
            return
        if approve:
            try:
                await self.guilds.add(suggestion.guild_id, suggestion.payload, interaction.user.id, action="approve")
            except TermError as exc:  # e.g. the name was added meanwhile; the suggestion stays pending
                await reply_error(interaction, t(exc.key, lang, **exc.values))
                return
        if not await self.suggestions.decide(suggestion_id, "approved" if approve else "rejected", interaction.user.id):
            await reply_error(interaction, t("mod.already_decided", lang))
            return
        outcome = t("mod.approved" if approve else "mod.rejected", lang, mod=interaction.user.id)
        await interaction.response.edit_message(content=outcome, view=None, allowed_mentions=NO_PINGS)
        await self._tell_suggester(suggestion, interaction, approve)

    async def _tell_suggester(self, suggestion, interaction: discord.Interaction, approve: bool) -> None:
        guild_name = interaction.guild.name if interaction.guild else ""
        text = t(
            "mod.dm_approved" if approve else "mod.dm_rejected",
            lang_of(interaction),
            guild=guild_name,
            term=suggestion.payload["term"],
        )
        try:
            user = self.bot.get_user(suggestion.user_id) or await self.bot.fetch_user(suggestion.user_id)
            await user.send(text, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            pass  # DMs closed: the review message still records the outcome


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Moderation(bot))
