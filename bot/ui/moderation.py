"""The moderators' forms, confirmations and history view. Every write re-checks permission here,
on the server side, since a crafted interaction can reach any of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core.i18n import register, t
from bot.core.moderation import Revision
from bot.core.store import StoredTerm
from bot.core.transfer import ImportPlan, apply_import
from bot.ui.cards import card_message
from bot.ui.checks import ensure_moderator
from bot.ui.confirm import ConfirmView
from bot.ui.embeds import BLURPLE, NO_PINGS, guild_of, reply
from bot.ui.term_modal import TermModal
from bot.ui.views import OwnerOnlyView

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "mod.removed": ("已删除「{name}」。可以用 /restoreterm 恢复。", "Removed “{name}”. /restoreterm brings it back."),
    "mod.history_title": ("「{name}」的修改历史", "History of “{name}”"),
    "mod.shipped_newer": (
        "ℹ️ 内置原版在 {when} 有了新版本（晚于本服务器的修改）。/restoreterm 可换回内置版。",
        "ℹ️ The built-in original was updated at {when}, after this server's edit. /restoreterm switches back.",
    ),
    "mod.revert_placeholder": ("回退到某个版本…", "Revert to a revision…"),
    "mod.reverted": ("已回退到版本 #{id}。", "Reverted to revision #{id}."),
    "gl.import_done": ("已导入 {count} 个术语。", "Imported {count} terms."),
})


def _services(interaction: discord.Interaction):
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    return bot.services


async def show_card(interaction: discord.Interaction, stored: StoredTerm, *, ephemeral: bool = False) -> None:
    embed, view = await card_message(interaction.client, stored, interaction)  # type: ignore[arg-type]
    await reply(interaction, embed=embed, view=view, ephemeral=ephemeral)


class AddTermModal(TermModal):
    def __init__(self, *, category: str, lang: str):
        super().__init__("modal.add", category=category, lang=lang)

    async def submit(self, interaction: discord.Interaction, values: dict) -> None:
        await ensure_moderator(interaction)
        stored = await _services(interaction).terms.add(guild_of(interaction), values, interaction.user.id)
        await show_card(interaction, stored)


class EditTermModal(TermModal):
    def __init__(self, current: StoredTerm, *, lang: str):
        term = current.term
        super().__init__("modal.edit", category=term.category.value, lang=lang, defaults=term.to_dict())
        self.slug = term.id

    async def submit(self, interaction: discord.Interaction, values: dict) -> None:
        await ensure_moderator(interaction)
        stored = await _services(interaction).terms.edit(guild_of(interaction), self.slug, values, interaction.user.id)
        await show_card(interaction, stored)


class RemoveTermConfirm(ConfirmView):
    def __init__(self, owner_id: int, guild_id: int, lang: str, slug: str):
        super().__init__(owner_id, guild_id, lang)
        self.slug, self.lang = slug, lang

    async def confirmed(self, interaction: discord.Interaction) -> str:
        name = await _services(interaction).terms.remove(self.guild_id, self.slug, interaction.user.id)
        return t("mod.removed", self.lang, name=name)


class ImportConfirm(ConfirmView):
    def __init__(self, owner_id: int, guild_id: int, lang: str, plan: ImportPlan):
        super().__init__(owner_id, guild_id, lang)
        self.plan, self.lang = plan, lang

    async def confirmed(self, interaction: discord.Interaction) -> str:
        count = await apply_import(_services(interaction).terms, self.guild_id, self.plan, interaction.user.id)
        return t("gl.import_done", self.lang, count=count)


def history_embed(slug: str, revisions: list[Revision], lang: str, shipped_update: str | None) -> discord.Embed:
    embed = discord.Embed(title=t("mod.history_title", lang, name=slug)[:256], colour=BLURPLE)
    lines = [
        f"`#{r.id}` {r.created_at.replace('T', ' ').rstrip('Z')} · **{r.action}** · <@{r.actor_id}>"
        + (f" · {r.snapshot['term']}" if r.snapshot else "")
        for r in revisions
    ]
    if shipped_update:
        lines.insert(0, t("mod.shipped_newer", lang, when=shipped_update.replace("T", " ").rstrip("Z")))
    embed.description = "\n".join(lines)[:4000]
    return embed


class RevertSelect(discord.ui.Select["RevertView"]):
    def __init__(self, revisions: list[Revision], lang: str):
        super().__init__(
            placeholder=t("mod.revert_placeholder", lang),
            options=[
                discord.SelectOption(
                    label=f"#{r.id} {r.action} {r.created_at[:16].replace('T', ' ')}"[:100], value=str(r.id)
                )
                for r in revisions
            ],
        )
        self.lang = lang

    async def callback(self, interaction: discord.Interaction) -> None:
        view = self.view
        assert view is not None
        await ensure_moderator(interaction)
        revision_id = int(self.values[0])
        await _services(interaction).terms.revert(view.guild_id, revision_id, interaction.user.id)
        view.stop()
        await interaction.response.edit_message(
            content=t("mod.reverted", self.lang, id=revision_id), embed=None, view=None, allowed_mentions=NO_PINGS
        )


class RevertView(OwnerOnlyView):
    """A term's revisions; picking one reverts to it (in the server the history was asked in)."""

    def __init__(self, owner_id: int, guild_id: int, revisions: list[Revision], lang: str):
        super().__init__(owner_id, timeout=300)
        self.guild_id = guild_id
        self.add_item(RevertSelect(revisions, lang))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return guild_of(interaction) == self.guild_id and await super().interaction_check(interaction)
