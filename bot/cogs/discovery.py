"""/search, /browse and /random: find a term you can't name, and see what's in the glossary."""

from __future__ import annotations

import random
from collections import deque
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.core.i18n import localize, register, t
from bot.core.models import Category
from bot.ui.cards import open_card
from bot.ui.choices import CATEGORY_CHOICES
from bot.ui.cooldowns import RANDOM_RATE, member_cooldown
from bot.ui.embeds import BLURPLE, guild_of, lang_of, reply, reply_error
from bot.ui.paging import TermPages

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "find.none": ("没有找到包含「{query}」的词条。", "No term mentions “{query}”."),
    "find.title": ("「{query}」的搜索结果", "Terms mentioning “{query}”"),
    "browse.title": ("{category}", "{category}"),
    "browse.overview": ("词库里的分类", "What's in the glossary"),
    "browse.empty": ("这个分类还没有词条。", "No terms in this category yet."),
    "browse.hint": ("用 /browse category:<分类> 查看某个分类的词条。", "Use /browse category:<…> to list one."),
})

ORDER_CHOICES = [
    app_commands.Choice(name=_("按名称", en="By name"), value="name"),
    app_commands.Choice(name=_("最新添加", en="Newest first"), value="newest"),
    app_commands.Choice(name=_("本服务器热门", en="Most looked up here"), value="popular"),
]
RECENT_RANDOM = 50  # /random avoids the last this-many cards it showed in a server


class Discovery(commands.Cog):
    def __init__(self, bot: LiandanBot):
        self.bot = bot
        self.glossary = bot.services.glossary
        self._recent: dict[int, deque[str]] = {}

    async def _pages(self, interaction: discord.Interaction, title: str, entries) -> None:
        view = TermPages(self.bot, interaction.user.id, title, entries, lang_of(interaction))
        sent = await reply(interaction, embed=await view.render(), view=view)
        view.message = sent or await interaction.original_response()

    @app_commands.command(
        name="search", description=_("在释义里搜索：忘了名字也能找到词条", en="Search every definition")
    )
    @app_commands.describe(query=_("要找的字词，中文或英文", en="Words to look for, Chinese or English"))
    async def search(self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 100]) -> None:
        lang = lang_of(interaction)
        entries = await self.glossary.search_text(query, guild_of(interaction))
        if not entries:
            await reply_error(interaction, t("find.none", lang, query=query[:100]))
            return
        await self._pages(interaction, t("find.title", lang, query=query[:100]), entries)

    @app_commands.command(name="browse", description=_("按分类浏览词库", en="Browse the glossary by category"))
    @app_commands.describe(category=_("分类（不填则列出所有分类）", en="Category (empty: list them)"),
                           order=_("排序", en="Order"))
    @app_commands.choices(category=CATEGORY_CHOICES, order=ORDER_CHOICES)
    async def browse(self, interaction: discord.Interaction, category: app_commands.Choice[str] | None = None,
                     order: app_commands.Choice[str] | None = None) -> None:
        lang, guild_id = lang_of(interaction), guild_of(interaction)
        if category is None:
            await reply(interaction, embed=await self._overview(guild_id, lang))
            return
        by = order.value if order else "name"
        lookups = await self.bot.services.stats.counts(guild_id) if by == "popular" else None
        entries = await self.glossary.browse(guild_id, category.value, by, lookups)
        if not entries:
            await reply_error(interaction, t("browse.empty", lang))
            return
        await self._pages(interaction, _category_label(Category(category.value), lang), entries)

    async def _overview(self, guild_id: int, lang: str) -> discord.Embed:
        counts = await self.glossary.category_counts(guild_id)
        lines = [f"**{_category_label(c, lang)}** · {counts.get(c.value, 0)}" for c in Category]
        embed = discord.Embed(title=t("browse.overview", lang), description="\n".join(lines), colour=BLURPLE)
        embed.set_footer(text=t("browse.hint", lang))
        return embed

    @app_commands.command(name="random", description=_("随机看一个词条", en="A random term"))
    @app_commands.describe(category=_("只从这个分类里抽", en="Only from this category"))
    @app_commands.choices(category=CATEGORY_CHOICES)
    @member_cooldown(*RANDOM_RATE)  # a public card per use, no input needed: the easiest to flood with
    async def random_(self, interaction: discord.Interaction,
                      category: app_commands.Choice[str] | None = None) -> None:
        guild_id = guild_of(interaction)
        if category is None:
            pool = sorted(self.glossary.visible_slugs(guild_id))
        else:
            pool = [e.slug for e in await self.glossary.browse(guild_id, category.value)]
        recent = self._recent.setdefault(guild_id, deque(maxlen=RECENT_RANDOM))
        fresh = [slug for slug in pool if slug not in recent] or pool
        slug = random.choice(fresh) if fresh else None
        if slug is not None:
            recent.append(slug)
        await open_card(interaction, slug, ephemeral=False, deletable_by=interaction.user.id, chosen=False)


def _category_label(category: Category, lang: str) -> str:
    if lang == "en":
        return category.label_en
    return f"{localize(category.label_zh, lang)} · {category.label_en}"


async def setup(bot: LiandanBot) -> None:
    await bot.add_cog(Discovery(bot))
