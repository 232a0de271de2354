"""A list of terms, ten (or up to 25) to a page: ◀ ▶ for the asker only, and a select that opens a card."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING

import discord

from bot.core.glossary import choice_label
from bot.core.i18n import localize, register, t
from bot.core.search import IndexEntry
from bot.core.text import clip
from bot.ui.cards import open_card
from bot.ui.cooldowns import CARD_BUTTONS
from bot.ui.embeds import BLURPLE, NO_PINGS, clip_label, lang_of, reply_error
from bot.ui.views import OwnerOnlyView

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "page.footer": ("第 {page}/{pages} 页 · 共 {count} 条", "Page {page}/{pages} · {count} in all"),
    "page.open": ("打开一个词条…", "Open a term…"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.expired": ("这个列表已过期（机器人重启过），请重新运行命令。",
                     "This list has expired (the bot restarted). Please run the command again."),
})

PER_PAGE = 10
PAGE_TIMEOUT = 600  # seconds a list's ◀ ▶ turn; then its components go
MAX_PER_PAGE = 25  # a select menu's option limit
DESCRIPTION_BUDGET = 4000  # of an embed description's 4096, shared by a page's lines


class OpenTermSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"liandan:pages:open"):
    """Opens the picked term's card for whoever picks it. Stateless (the options carry the slugs),
    so it still works after a restart."""

    def __init__(self, options: list[discord.SelectOption], placeholder: str):
        super().__init__(discord.ui.Select(custom_id="liandan:pages:open", placeholder=placeholder,
                                           options=options, row=0))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /):
        return cls(item.options, item.placeholder or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.item.values and await CARD_BUTTONS.allow(interaction):
            await open_card(interaction, self.item.values[0])


class TurnButton(discord.ui.DynamicItem[discord.ui.Button], template=r"liandan:pages:(?P<step>prev|next)"):
    """◀ ▶. The pages live in the bot (`bot.live_pages`); after a restart they are gone, and a click
    says so instead of failing."""

    def __init__(self, step: str, label: str, *, disabled: bool = False):
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"liandan:pages:{step}", row=1))
        self.step = 1 if step == "next" else -1

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["step"], item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        live: dict[int, TermPages] = getattr(interaction.client, "live_pages", {})
        pages = live.get(interaction.message.id) if interaction.message else None
        if pages is None:
            await reply_error(interaction, t("page.expired", lang_of(interaction)))
        elif await pages.interaction_check(interaction):
            await pages.turn(interaction, self.step)


class TermPages(OwnerOnlyView):
    """Pages of terms with their summaries. Only the person who asked may turn the pages; anyone
    may open a card from them. Its components are DynamicItems only, so discord.py dispatches them
    by pattern and a list timing out never unregisters the patterns the other lists use."""

    def __init__(self, bot: LiandanBot, owner_id: int, title: str, entries: list[IndexEntry], lang: str, *,
                 per_page: int = PER_PAGE):
        super().__init__(owner_id, timeout=PAGE_TIMEOUT)
        self.bot, self.title, self.entries, self.lang = bot, title, entries, lang
        self.per_page = max(1, min(per_page, MAX_PER_PAGE))
        line = DESCRIPTION_BUDGET // self.per_page  # characters one line may take
        self.name_chars = min(80, line // 3)
        self.summary_chars = min(100, line - self.name_chars - 12)  # the rest: number, markup, separator
        self.page = 0
        self._message: discord.InteractionMessage | None = None

    @property
    def message(self) -> discord.InteractionMessage | None:
        return self._message

    @message.setter
    def message(self, message: discord.InteractionMessage) -> None:
        """The reply these pages are on: from now on its ◀ ▶ find them (TurnButton)."""
        self._message = message
        self.bot.live_pages[message.id] = self

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.entries) // self.per_page))

    def _shown(self) -> list[IndexEntry]:
        return self.entries[self.page * self.per_page:(self.page + 1) * self.per_page]

    def _name(self, entry: IndexEntry) -> str:
        return localize(choice_label(entry.term, entry.en), self.lang)

    async def render(self) -> discord.Embed:
        """The current page's embed, with the buttons and select set to match it."""
        shown = self._shown()
        found = await self.bot.services.glossary.summaries([e.uid for e in shown])
        summaries = {uid: localize(summary, self.lang) for uid, summary in found.items()}
        first = self.page * self.per_page
        lines = [
            f"{first + i}. **{clip(self._name(e), self.name_chars)}** · "
            f"{clip(summaries.get(e.uid, ''), self.summary_chars)}"
            for i, e in enumerate(shown, 1)
        ]
        embed = discord.Embed(title=clip(self.title, 256), description="\n".join(lines), colour=BLURPLE)
        embed.set_footer(text=t("page.footer", self.lang, page=self.page + 1, pages=self.pages,
                                count=len(self.entries)))
        self._rebuild_items(shown, summaries)
        return embed

    def _rebuild_items(self, shown: list[IndexEntry], summaries: dict[int, str]) -> None:
        self.clear_items()
        if shown:
            options = [
                discord.SelectOption(label=clip_label(self._name(e)), value=e.slug,
                                     description=clip(summaries.get(e.uid, ""), 100) or None)
                for e in shown
            ]
            self.add_item(OpenTermSelect(options, t("page.open", self.lang)))
        if self.pages > 1:
            self.add_item(TurnButton("prev", t("page.prev", self.lang), disabled=self.page == 0))
            self.add_item(TurnButton("next", t("page.next", self.lang), disabled=self.page >= self.pages - 1))

    async def turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), self.pages - 1)
        embed = await self.render()
        await interaction.response.edit_message(embed=embed, view=self, allowed_mentions=NO_PINGS)

    async def on_timeout(self) -> None:
        if self.message is not None:
            self.bot.live_pages.pop(self.message.id, None)
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=None, allowed_mentions=NO_PINGS)
