"""User-facing strings: Simplified Chinese first, English for English Discord locales."""

from __future__ import annotations

from functools import lru_cache

import opencc

from bot.core.text import clip

ZH = "zh"  # Simplified Chinese, the default
TW = "zh-TW"  # Traditional Chinese with Taiwan phrasing, converted from ZH by OpenCC's s2twp
EN = "en"

_STRINGS: dict[str, tuple[str, str]] = {
    # card
    "card.aliases": ("别名", "Aliases"),
    "card.category": ("分类", "Category"),
    "card.example": ("例句", "Example"),
    "card.related": ("相关术语", "Related"),
    "card.sources": ("来源", "Source"),
    "card.community_source": ("社区用法（无书面出处）", "Community usage (no written source)"),
    "card.checked": ("信息核对于 {month}", "Checked {month}"),
    "card.server_source": ("本服务器管理员编写", "Written by this server's moderators"),
    "card.footer": ("炼丹词典 · 服务器词条", "Liandan glossary · this server's term"),
    "card.footer_shipped": ("炼丹词典", "Liandan glossary"),
    "card.daily": ("📅 今日术语 · {date}", "📅 Term of the day · {date}"),
    # lookup
    "define.not_found": (
        "没有找到「{query}」。可以换个说法，或请管理员用 /addterm 添加。",
        "No term matches “{query}”. Try another spelling, or ask a moderator to /addterm it.",
    ),
    "define.suggest": ("没有找到「{query}」。你是不是要找…", "No exact match for “{query}”. Did you mean…"),
    "define.gone": ("这个词条已被删除或不可见。", "That term was removed or is not visible here."),
    "view.not_yours": (
        "这些按钮只属于发起查询的人，请自己用 /define 查询。",
        "These buttons belong to whoever ran the command; run /define yourself.",
    ),
    "error.generic": ("出错了，请稍后再试。", "Something went wrong; please try again later."),
}


def locale_lang(locale: str | None) -> str:
    """Discord locale (e.g. 'zh-CN', 'zh-TW', 'en-US') to our languages."""
    code = str(locale or "").lower()
    if code.startswith("en"):
        return EN
    return TW if code == "zh-tw" else ZH


_S2TWP = opencc.OpenCC("s2twp")


@lru_cache(maxsize=8192)
def to_taiwan(text: str) -> str:
    """Simplified Chinese text in Traditional characters with Taiwan phrasing (软件 → 軟體)."""
    return _S2TWP.convert(text) if text else text


def localize(text: str, lang: str) -> str:
    """Our own Simplified Chinese text as the reader's language shows it (only zh-TW differs)."""
    return to_taiwan(text) if lang == TW else text


MAX_ECHO = 1500  # characters of any one substituted value, so an echo of user input never breaks a message


def t(key: str, lang: str = ZH, /, **values: object) -> str:
    zh, en = _STRINGS[key]
    text = en if lang == EN else localize(zh, lang)
    if not values:
        return text
    return text.format(**{k: clip(v, MAX_ECHO) if isinstance(v, str) else v for k, v in values.items()})


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Let a feature module add its own strings without editing this file."""
    # Extensions are re-imported on every load, so re-registering the same text is fine.
    clash = {k for k in strings.keys() & _STRINGS.keys() if _STRINGS[k] != strings[k]}
    if clash:
        raise KeyError(f"strings already defined: {sorted(clash)}")
    _STRINGS.update(strings)
