"""报错 under every card: a reader says what is wrong. Reports on a server's own term reach its
review channel with a button that opens the edit form; reports on built-in terms are kept for the
glossary's maintainers (`python -m bot reports`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.core.i18n import register, t
from bot.core.reports import MAX_NOTE
from bot.ui.checks import refuse_unless_moderator
from bot.ui.embeds import BLURPLE, NO_PINGS, clip_label, guild_of, lang_of, reply, reply_error

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "report.button": ("报错", "Report"),
    "report.title": ("这张卡片哪里不对？", "What's wrong with this card?"),
    "report.note": ("哪里有错（最多 500 字）", "What is wrong (500 characters at most)"),
    "report.thanks": ("谢谢！报错已收到，会有人核对。", "Thanks! Someone will check it."),
    "report.again": ("你今天已经报过这个词条了，谢谢！", "You already reported this term today. Thanks!"),
    "report.review": ("词条「{term}」被报错", "“{term}” was reported"),
    "report.by": ("报错人：<@{user}>", "Reported by <@{user}>"),
    "report.edit": ("编辑词条", "Edit the term"),
})


class ReportButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:report:(?P<slug>[a-z0-9-]{1,64})"):
    """Opens the report form for a card's term; stateless, so it works after a restart."""

    def __init__(self, slug: str, label: str = "", *, row: int | None = None):
        super().__init__(discord.ui.Button(label=clip_label(label or t("report.button")), emoji="⚠️",
                                           style=discord.ButtonStyle.secondary, custom_id=f"liandan:report:{slug}",
                                           row=row))
        self.slug = slug

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["slug"], item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ReportModal(self.slug, lang_of(interaction)))


class ReportModal(discord.ui.Modal):
    def __init__(self, slug: str, lang: str):
        super().__init__(title=t("report.title", lang), timeout=900)
        self.slug, self.lang = slug, lang
        self.note = discord.ui.TextInput(label=t("report.note", lang), style=discord.TextStyle.paragraph,
                                         max_length=MAX_NOTE, custom_id="note")
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        guild_id = guild_of(interaction)
        stored = await bot.services.glossary.by_slug(self.slug, guild_id)
        if stored is None:
            await reply_error(interaction, t("define.gone", self.lang))
            return
        own = stored.term.guild_id != 0
        added = await bot.services.reports.add(guild_id, interaction.user.id, self.slug, shipped=not own,
                                               note=self.note.value, now=bot.clock.now())
        await reply(interaction, t("report.thanks" if added else "report.again", self.lang), ephemeral=True)
        if added and own:
            await _tell_moderators(bot, interaction, stored.term.term, self.note.value, self.slug)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


async def _tell_moderators(bot: LiandanBot, interaction: discord.Interaction, term: str, note: str, slug: str) -> None:
    settings = await bot.services.settings.get(guild_of(interaction))
    if settings.review_channel_id is None:
        return  # the report is still stored; moderators see it in the review channel once they set one
    lang = lang_of(interaction)
    embed = discord.Embed(title=t("report.review", lang, term=term)[:256], description=note[:MAX_NOTE], colour=BLURPLE)
    view = discord.ui.View(timeout=None)
    view.add_item(EditReportedButton(slug, t("report.edit", lang)))
    try:
        channel = bot.get_channel(settings.review_channel_id) or await bot.fetch_channel(settings.review_channel_id)
        await channel.send(t("report.by", lang, user=interaction.user.id), embed=embed, view=view,  # type: ignore[union-attr]
                           allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        pass  # the review channel is gone or closed to the bot; the report itself is stored


class EditReportedButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:fix:(?P<slug>[a-z0-9-]{1,64})"):
    """Under a report in the review channel: opens the edit form for that term (moderators only)."""

    def __init__(self, slug: str, label: str = ""):
        super().__init__(discord.ui.Button(label=clip_label(label or t("report.edit")),
                                           style=discord.ButtonStyle.primary, custom_id=f"liandan:fix:{slug}"))
        self.slug = slug

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["slug"], item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        # Imported here: ui.moderation imports ui.cards, which puts this module's 报错 under cards.
        from bot.ui.moderation import EditTermModal

        if not await refuse_unless_moderator(interaction):
            return
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        current = await bot.services.glossary.by_slug(self.slug, guild_of(interaction))
        if current is None:
            await reply_error(interaction, t("define.gone", lang_of(interaction)))
            return
        await interaction.response.send_modal(EditTermModal(current, lang=lang_of(interaction)))
