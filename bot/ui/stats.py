"""/glossary stats as an embed: top terms, top misses, and lookups per day as a sparkline."""

from __future__ import annotations

import discord

from bot.core.i18n import register, t
from bot.core.stats import CHART_DAYS, StatsReport, sparkline
from bot.core.text import clip
from bot.ui.embeds import BLURPLE

FIELD_LIMIT = 1024
NAME_LIMIT = 60  # a term's name in a list line
QUERY_LIMIT = 60

register({
    "stats.title": ("本服务器的查询统计", "What this server looks up"),
    "stats.empty": (
        "还没有查询记录。成员用 /define 查到词条后，这里会列出最常查的词、查不到的词和每天的查询次数。",
        "No lookups recorded yet. Once members look terms up with /define, the most looked-up terms, "
        "the misses and lookups per day show here.",
    ),
    "stats.terms": ("最常查的词", "Most looked-up terms"),
    "stats.terms_none": ("还没有查询记录。", "No lookups yet."),
    "stats.misses": ("查不到的词", "Looked for, not found"),
    "stats.misses_none": ("还没有查不到的词。", "No misses yet."),
    "stats.misses_more": ("完整列表：{command}", "Full list: {command}"),
    "stats.days": ("近 {days} 天的查询", "Lookups, last {days} days"),
    "stats.days_total": ("共 {total} 次 · {first} 至 {last}（UTC）", "{total} in all · {first} to {last} (UTC)"),
    "stats.footer": ("只统计次数，不记录是谁查的。", "Counts only: nothing records who looked."),
})


def command_mention(interaction: discord.Interaction, path: str) -> str:
    """`</glossary gaps:ID>` (clickable) when the running command's id is known, else `/glossary gaps`.
    A subcommand shares its top-level command's id, which the interaction carries."""
    command_id = (interaction.data or {}).get("id")
    top = path.split()[0]
    same_command = interaction.command is not None and interaction.command.qualified_name.split()[0] == top
    return f"</{path}:{command_id}>" if command_id and same_command else f"/{path}"


def stats_embed(report: StatsReport, lang: str, gaps_command: str) -> discord.Embed:
    embed = discord.Embed(title=t("stats.title", lang), colour=BLURPLE)
    embed.set_footer(text=t("stats.footer", lang))
    if report.empty:
        embed.description = t("stats.empty", lang)
        return embed
    embed.add_field(name=t("stats.terms", lang), value=_terms(report, lang), inline=False)
    embed.add_field(name=t("stats.misses", lang), value=_misses(report, lang, gaps_command), inline=False)
    embed.add_field(name=t("stats.days", lang, days=CHART_DAYS), value=_days(report, lang), inline=False)
    return embed


def _terms(report: StatsReport, lang: str) -> str:
    lines = [f"{i}. **{discord.utils.escape_markdown(clip(name, NAME_LIMIT))}** × {count}"
             for i, (name, count) in enumerate(report.terms, 1)]
    return clip("\n".join(lines), FIELD_LIMIT) if lines else t("stats.terms_none", lang)


def miss_lines(misses: list[tuple[str, int]], *, limit: int | None = None) -> list[str]:
    """`query` × count, numbered; a backtick in a query becomes ˋ so it can't end the code span."""
    return [f"{i}. `{(clip(query, limit) if limit else query).replace('`', 'ˋ')}` × {count}"
            for i, (query, count) in enumerate(misses, 1)]


def _misses(report: StatsReport, lang: str, gaps_command: str) -> str:
    if not report.misses:
        return t("stats.misses_none", lang)
    more = t("stats.misses_more", lang, command=gaps_command)
    lines = miss_lines(report.misses, limit=QUERY_LIMIT)
    return clip("\n".join(lines), FIELD_LIMIT - len(more) - 1) + "\n" + more


def _days(report: StatsReport, lang: str) -> str:
    first, last = report.days[0][0], report.days[-1][0]
    total = t("stats.days_total", lang, total=report.total, first=first.isoformat(), last=last.isoformat())
    return f"{sparkline([n for _, n in report.days])}\n{total}"
