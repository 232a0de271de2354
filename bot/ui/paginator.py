"""Pages under one message, turned with ≪ ‹ n/N › ≫ buttons only the asker may press (in the style
of RoboDanny's paginators). What a page shows comes from a PageSource."""

from __future__ import annotations

import contextlib
from typing import Protocol

import discord

from bot.ui.embeds import NO_PINGS, reply
from bot.ui.views import OwnerOnlyView

NAV_ROW = 4


class PageSource(Protocol):
    def page_count(self) -> int: ...

    def page(self, index: int) -> tuple[discord.Embed, list[discord.ui.Item]]:
        """The embed of page `index` (0-based) and the items (e.g. a select) that belong to it."""
        ...


class Paginator(OwnerOnlyView):
    """Shows a PageSource one page at a time. The navigation buttons appear only when there is more
    than one page and go grey when the view times out; a page's own items are the source's."""

    def __init__(self, owner_id: int, source: PageSource, *, timeout: float = 600):
        super().__init__(owner_id, timeout=timeout)
        self.source = source
        self.current = 0
        self.interaction: discord.Interaction | None = None
        self.first = self._nav("≪", lambda: 0)
        self.previous = self._nav("‹", lambda: self.current - 1)
        self.counter = discord.ui.Button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True, row=NAV_ROW)
        self.next = self._nav("›", lambda: self.current + 1)
        self.last = self._nav("≫", lambda: self.source.page_count() - 1)

    def _nav(self, label: str, target) -> discord.ui.Button:
        button = discord.ui.Button(label=label, style=discord.ButtonStyle.primary, row=NAV_ROW)

        async def turn(interaction: discord.Interaction) -> None:
            await self.show(interaction, target())

        button.callback = turn
        return button

    def render(self) -> discord.Embed:
        """Lay out the current page: its embed, its items and (when paged) the navigation."""
        pages = self.source.page_count()
        self.current = max(0, min(self.current, pages - 1))
        embed, items = self.source.page(self.current)
        self.clear_items()
        for item in items:
            self.add_item(item)
        if pages > 1:
            self.counter.label = f"{self.current + 1}/{pages}"
            self.first.disabled = self.previous.disabled = self.current == 0
            self.next.disabled = self.last.disabled = self.current == pages - 1
            for button in (self.first, self.previous, self.counter, self.next, self.last):
                self.add_item(button)
        return embed

    async def start(self, interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
        embed = self.render()
        self.interaction = interaction
        await reply(interaction, embed=embed, view=self, ephemeral=ephemeral)

    async def show(self, interaction: discord.Interaction, index: int) -> None:
        self.current = index
        embed = self.render()
        await interaction.response.edit_message(embed=embed, view=self, allowed_mentions=NO_PINGS)

    async def on_timeout(self) -> None:
        if self.interaction is None:
            return
        for button in (self.first, self.previous, self.next, self.last):
            button.disabled = True
        with contextlib.suppress(discord.HTTPException):
            await self.interaction.edit_original_response(view=self, allowed_mentions=NO_PINGS)
