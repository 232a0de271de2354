"""「解释术语」's answer: the terms a message mentions, 25 to a page, each with its summary, and a
menu that opens any of them as a card."""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from bot.core.glossary import choice_label
from bot.core.i18n import localize, register, t
from bot.core.text import clip
from bot.ui.cards import open_card
from bot.ui.embeds import BLURPLE

register({
    "explain.title": ("这条消息里的术语（{count} 个）", "Terms in this message ({count})"),
    "explain.none": ("这条消息里没有词库里的术语。", "This message mentions no term from the glossary."),
    "explain.pick": ("选一个术语查看完整卡片…", "Pick a term to see its card…"),
    "explain.footer": ("按出现顺序 · 第 {page}/{pages} 页", "In order of appearance · page {page}/{pages}"),
})

PER_PAGE = 25  # a select menu's option limit
SUMMARY_CHARS = 80  # per line: 25 lines of number, name (≤ 50) and summary stay inside 4096
OPTION_TEXT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ExplainedTerm:
    slug: str
    term: str
    en: str
    summary: str


class TermPickSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"liandan:pick:(?P<page>[0-9]{1,4})"):
    """Opens the picked term's card, only for whoever picks. Stateless, so it works after a restart."""

    def __init__(self, page: int, options: list[discord.SelectOption], placeholder: str = ""):
        super().__init__(
            discord.ui.Select(custom_id=f"liandan:pick:{page}", options=options, placeholder=placeholder or None, row=0)
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /):
        return cls(int(match["page"]), item.options, item.placeholder or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        values = self.item.values
        await open_card(interaction, values[0] if values else None)


class TermListSource:
    """The found terms as pages for bot.ui.paginator.Paginator, in the reader's language."""

    def __init__(self, terms: list[ExplainedTerm], lang: str):
        self.terms = terms
        self.lang = lang

    def page_count(self) -> int:
        return max(1, -(-len(self.terms) // PER_PAGE))

    def page(self, index: int) -> tuple[discord.Embed, list[discord.ui.Item]]:
        lang = self.lang
        chunk = self.terms[index * PER_PAGE:(index + 1) * PER_PAGE]
        lines = []
        options = []
        for number, term in enumerate(chunk, index * PER_PAGE + 1):
            name = localize(choice_label(term.term, term.en), lang)
            summary = clip(localize(term.summary, lang), SUMMARY_CHARS)
            lines.append(f"{number}. **{clip(name, 50)}** — {summary}")
            options.append(discord.SelectOption(
                label=clip(f"{number}. {name}", OPTION_TEXT_LIMIT), value=term.slug,
                description=clip(summary, OPTION_TEXT_LIMIT) or None,
            ))
        embed = discord.Embed(
            title=t("explain.title", lang, count=len(self.terms)), description="\n".join(lines)[:4096], colour=BLURPLE
        )
        embed.set_footer(text=t("explain.footer", lang, page=index + 1, pages=self.page_count()))
        return embed, [TermPickSelect(index, options, t("explain.pick", lang))]
