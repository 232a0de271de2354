"""Members' proposals: the /suggestterm form, and Approve / Reject in the review channel."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.core.i18n import register, t
from bot.core.moderation import TermError
from bot.core.proposals import Proposal
from bot.ui.checks import refuse_unless_moderator
from bot.ui.embeds import NO_PINGS, card_to_embed, guild_of, lang_of, reply, reply_error
from bot.ui.term_modal import TermModal

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "mod.suggest_sent": (
        "谢谢！建议已提交给管理员审核，结果会私信通知你。",
        "Thanks! Your suggestion went to the moderators; you'll get a DM with the outcome.",
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
})


class SuggestTermModal(TermModal):
    def __init__(self, *, category: str, lang: str, review_channel_id: int):
        super().__init__("modal.suggest", category=category, lang=lang)
        self.review_channel_id = review_channel_id

    async def submit(self, interaction: discord.Interaction, values: dict) -> None:
        bot: LiandanBot = interaction.client  # type: ignore[assignment]
        proposal = await bot.services.proposals.create(guild_of(interaction), interaction.user.id, values)
        channel = bot.get_channel(self.review_channel_id) or await bot.fetch_channel(self.review_channel_id)
        embed = card_to_embed(proposal.preview(self.lang))
        embed.set_author(name=t("mod.review_title", self.lang, id=proposal.id))
        view = discord.ui.View(timeout=None)
        view.add_item(ProposalButton("approve", proposal.id, t("mod.approve", self.lang)))
        view.add_item(ProposalButton("reject", proposal.id, t("mod.reject", self.lang)))
        await channel.send(  # type: ignore[union-attr]
            t("mod.review_by", self.lang, user=interaction.user.id), embed=embed, view=view, allowed_mentions=NO_PINGS
        )
        await reply(interaction, t("mod.suggest_sent", self.lang), ephemeral=True)


class ProposalButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:sugg:(?P<verdict>approve|reject):(?P<id>\d+)"
):
    """Approve / Reject under a proposal in the review channel; survives restarts."""

    def __init__(self, verdict: str, proposal_id: int, label: str = ""):
        style = discord.ButtonStyle.success if verdict == "approve" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(label=label or verdict, style=style, custom_id=f"liandan:sugg:{verdict}:{proposal_id}")
        )
        self.verdict = verdict
        self.proposal_id = proposal_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["verdict"], int(match["id"]), item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        if await refuse_unless_moderator(interaction):
            await decide(interaction, self.proposal_id, approve=self.verdict == "approve")


async def decide(interaction: discord.Interaction, proposal_id: int, *, approve: bool) -> None:
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    services, lang = bot.services, lang_of(interaction)
    proposal = await services.proposals.get(proposal_id)
    if proposal is None or proposal.status != "pending" or proposal.guild_id != guild_of(interaction):
        await reply_error(interaction, t("mod.already_decided", lang))
        return
    if approve:
        try:
            await services.terms.add(proposal.guild_id, proposal.payload, interaction.user.id, action="approve")
        except TermError as exc:  # e.g. the name was added meanwhile; the proposal stays pending
            await reply_error(interaction, t(exc.key, lang, **exc.values))
            return
    if not await services.proposals.decide(proposal_id, "approved" if approve else "rejected", interaction.user.id):
        await reply_error(interaction, t("mod.already_decided", lang))
        return
    outcome = t("mod.approved" if approve else "mod.rejected", lang, mod=interaction.user.id)
    await interaction.response.edit_message(content=outcome, view=None, allowed_mentions=NO_PINGS)
    await _tell_proposer(bot, proposal, interaction, approve)


async def _tell_proposer(bot: LiandanBot, proposal: Proposal, interaction: discord.Interaction, approve: bool) -> None:
    guild_name = interaction.guild.name if interaction.guild else ""
    key = "mod.dm_approved" if approve else "mod.dm_rejected"
    text = t(key, lang_of(interaction), guild=guild_name, term=proposal.payload["term"])
    try:
        user = bot.get_user(proposal.user_id) or await bot.fetch_user(proposal.user_id)
        await user.send(text, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        pass  # DMs closed: the review message still records the outcome
