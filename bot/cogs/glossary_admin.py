"""/glossary: what a server looks up and misses, YAML export/import and settings."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.core.glossary import CHOICE_PREFIX, LookupResult
from bot.core.i18n import register, t
from bot.core.transfer import export_yaml, plan_import
from bot.ui.checks import ensure_moderator
from bot.ui.embeds import guild_of, lang_of, reply, reply_error
from bot.ui.moderation import ImportConfirm
from bot.ui.privacy import PurgeConfirm
from bot.ui.stats import command_mention, miss_lines, stats_embed

if TYPE_CHECKING:
    from bot.client import LiandanBot

MAX_IMPORT_BYTES = 512 * 1024

register(
    {
        "gl.gaps_title": ("大家查不到的词（本服务器）", "What people looked for and didn't find"),
        "gl.gaps_empty": ("还没有查不到的记录。", "No misses recorded yet."),
        "gl.export_empty": ("本服务器还没有自己的术语。", "This server has no terms of its own yet."),
        "gl.export_done": ("本服务器的 {count} 个术语：", "This server's {count} terms:"),
        "gl.import_too_big": ("文件太大（上限 512 KB）。", "The file is too big (512 KB at most)."),
        "gl.import_not_text": ("请上传 UTF-8 编码的 YAML 文件。", "Please upload a UTF-8 YAML file."),
        "gl.import_plan": (
            "预演结果：新增 {added}，修改 {changed}，未变 {unchanged}。{names}\n确认后才会写入。",
            "Dry run: {added} added, {changed} changed, {unchanged} unchanged. {names}\n"
            "Nothing is written until you confirm.",
        ),
        "gl.import_nothing": ("文件里的术语和现在完全一样，无需导入。", "Everything in the file is already here."),
        "gl.config_review": ("术语建议会发到 {channel}。", "Term suggestions will go to {channel}."),
        "gl.config_role": ("拥有 {role} 角色的成员现在也可以管理术语。", "Members with {role} can now manage terms."),
        "gl.config_role_off": ("已取消额外的管理角色。", "The extra moderator role is cleared."),
    }
)


@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # moderators' commands: never in a user's own install
@app_commands.default_permissions(manage_guild=True)
class GlossaryAdmin(
    commands.GroupCog,
    group_name="glossary",
    group_description=_("本服务器词库管理（管理员）", en="This server's glossary (moderators)"),
):
    config = app_commands.Group(name="config", description=_("词库设置", en="Glossary settings"))

    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.services = bot.services

    @commands.Cog.listener()
    async def on_term_lookup(self, guild_id: int, query: str, result: LookupResult) -> None:
        """Count the term a server looked up, or what it looked for and didn't find (a picked
        autocomplete choice is no miss). Guild 0 is a DM or a user's own install somewhere: nothing
        is kept for those places. Only counts, never who looked."""
        if not guild_id:
            return
        if result.term is not None:
            self.services.stats.record(guild_id, result.term.term.id, self.bot.clock.now())
        elif not query.startswith(CHOICE_PREFIX):
            self.services.gaps.record(guild_id, query)

    @commands.Cog.listener()
    async def on_card_opened(self, guild_id: int, slug: str) -> None:
        """A card a member picked (did-you-mean, a related term, a /search or /browse result) is read
        as much as one looked up by name; random cards are not counted."""
        self.services.stats.record(guild_id, slug, self.bot.clock.now())

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await ensure_moderator(interaction)

    @app_commands.command(name="gaps", description=_("查看大家查不到的词", en="Top lookups that found nothing"))
    async def gaps(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        top = await self.services.gaps.top(guild_of(interaction))
        if not top:
            await reply(interaction, t("gl.gaps_empty", lang), ephemeral=True)
            return
        embed = discord.Embed(title=t("gl.gaps_title", lang), colour=0xE67E22)
        embed.description = "\n".join(miss_lines(top))
        await reply(interaction, embed=embed, ephemeral=True)

    @app_commands.command(
        name="stats",
        description=_("本服务器最常查的词、查不到的词和每天的查询量", en="Top terms, misses and lookups per day here"),
    )
    async def stats(self, interaction: discord.Interaction) -> None:
        report = await self.services.stats.report(guild_of(interaction), self.bot.clock.now())
        embed = stats_embed(report, lang_of(interaction), command_mention(interaction, "glossary gaps"))
        await reply(interaction, embed=embed, ephemeral=True)

    @app_commands.command(
        name="export", description=_("导出本服务器的术语为 YAML", en="Download this server's terms as YAML")
    )
    async def export(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        guild_id = guild_of(interaction)
        terms = await self.services.terms.own_terms(guild_id)
        if not terms:
            await reply_error(interaction, t("gl.export_empty", lang))
            return
        text = await export_yaml(self.services.terms, guild_id)
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename=f"glossary-{guild_id}.yaml")
        await reply(interaction, t("gl.export_done", lang, count=len(terms)), file=file, ephemeral=True)

    @app_commands.command(
        name="import", description=_("从 YAML 文件导入术语（先预演）", en="Import terms from YAML (dry run first)")
    )
    @app_commands.describe(file=_("data/ 格式的 YAML 文件", en="A YAML file in the data/ schema"))
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        lang = lang_of(interaction)
        guild_id = guild_of(interaction)
        if file.size > MAX_IMPORT_BYTES:
            await reply_error(interaction, t("gl.import_too_big", lang))
            return
        try:
            text = (await file.read()).decode("utf-8")
        except UnicodeDecodeError:
            await reply_error(interaction, t("gl.import_not_text", lang))
            return
        plan = await plan_import(self.services.terms, guild_id, file.filename, text)
        if not plan.writes:
            await reply(interaction, t("gl.import_nothing", lang), ephemeral=True)
            return
        names = "、".join(term.term for term in plan.writes[:20])
        view = ImportConfirm(interaction.user.id, guild_id, lang, plan)
        summary = t(
            "gl.import_plan",
            lang,
            added=len(plan.added),
            changed=len(plan.changed),
            unchanged=len(plan.unchanged),
            names=names,
        )
        await reply(interaction, summary[:2000], view=view, ephemeral=True)

    @app_commands.command(
        name="purge", description=_("删除本服务器的全部数据（需确认，不可撤销）", en="Delete all of this server's data")
    )
    async def purge(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        view = PurgeConfirm(interaction.user.id, guild_of(interaction), lang)
        await reply(interaction, t("privacy.confirm", lang), view=view, ephemeral=True)

    @config.command(
        name="review_channel", description=_("设置术语建议的审核频道", en="Where term suggestions go for review")
    )
    @app_commands.describe(channel=_("审核频道", en="Review channel"))
    async def review_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        await self.services.settings.set(guild_of(interaction), review_channel_id=channel.id)
        await reply(interaction, t("gl.config_review", lang_of(interaction), channel=channel.mention), ephemeral=True)

    @config.command(
        name="moderator_role",
        description=_(
            "设置额外的术语管理角色（留空则取消）", en="An extra role that may manage terms (empty clears it)"
        ),
    )
    @app_commands.describe(role=_("管理角色", en="Moderator role"))
    async def moderator_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        lang = lang_of(interaction)
        await self.services.settings.set(guild_of(interaction), moderator_role_id=role.id if role else None)
        text = t("gl.config_role", lang, role=role.mention) if role else t("gl.config_role_off", lang)
        await reply(interaction, text, ephemeral=True)


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(GlossaryAdmin(bot))
