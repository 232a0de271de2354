"""Views shared by features: error reporting, and the "did you mean" candidates."""

from __future__ import annotations

import contextlib

import discord

from bot.core.glossary import Candidate, choice_label
from bot.core.i18n import ZH, localize, t
from bot.ui.cards import BUTTONS_PER_ROW, open_card
from bot.ui.embeds import NO_PINGS, clip_label, lang_of, reply_error


class ReportingView(discord.ui.View):
    """A view whose callback errors reach the user the same way command errors do."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


class OwnerOnlyView(ReportingView):
    """Buttons only the person who ran the command may press; others get a short ephemeral note."""

    def __init__(self, owner_id: int, *, timeout: float | None = 180):
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await reply_error(interaction, t("view.not_yours", lang_of(interaction)))
            return False
        return True


class CandidateButton(discord.ui.Button["CandidateView"]):
    def __init__(self, candidate: Candidate, lang: str = ZH):
        label = clip_label(localize(choice_label(candidate.term, candidate.en), lang))
        super().__init__(label=label, style=discord.ButtonStyle.primary)
        self.slug = candidate.slug

    async def callback(self, interaction: discord.Interaction) -> None:
        view = self.view
        owner = view.owner_id if view is not None and view.public else None
        if await open_card(interaction, self.slug, replace=True, deletable_by=owner) and view is not None:
            view.stop()


class CandidateView(OwnerOnlyView):
    """"你是不是要找…" buttons: only the asker may press them; a press turns the reply into the card."""

    def __init__(
        self, owner_id: int, candidates: list[Candidate], *, timeout: float = 180, lang: str = ZH, public: bool = True
    ):
        super().__init__(owner_id, timeout=timeout)
        self.public = public  # a public question becomes a public card, which its asker may delete
        self.message: discord.InteractionMessage | None = None
        for candidate in candidates[:BUTTONS_PER_ROW]:
            self.add_item(CandidateButton(candidate, lang))

    async def on_timeout(self) -> None:
        # Leave the question visible but inert, rather than buttons that fail when pressed.
        if self.message is None:
            return
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        with contextlib.suppress(discord.HTTPException):
            await self.message.edit(view=self, allowed_mentions=NO_PINGS)
