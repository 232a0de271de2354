"""The term form: one modal for /addterm, /editterm and /suggestterm."""

from __future__ import annotations

import re

import discord

from bot.core import models as m
from bot.core.i18n import ZH, register, t

register(
    {
        "modal.add": ("添加术语", "Add a term"),
        "modal.edit": ("编辑术语", "Edit a term"),
        "modal.suggest": ("建议一个术语", "Suggest a term"),
        "modal.term": ("术语", "Term"),
        "modal.names": ("英文名（第一行）和别名（之后每行一个）", "English name (line 1), then aliases"),
        "modal.summary": ("一句话简介（不超过 100 字）", "One-line summary (≤ 100 characters)"),
        "modal.definition": ("解释", "Definition"),
        "modal.example": ("例句（可不填）", "Example (optional)"),
    }
)

_ALIAS_SPLIT = re.compile(r"[\n,，、;；]+")


def split_names(text: str) -> tuple[str, list[str]]:
    """'English name' on the first line, aliases after it (one per line or comma-separated)."""
    lines = [p.strip() for p in text.strip().splitlines()]
    english = lines[0] if lines else ""
    aliases = [a.strip() for a in _ALIAS_SPLIT.split("\n".join(lines[1:])) if a.strip()]
    return english, aliases


def join_names(en: str, aliases: list[str]) -> str:
    return "\n".join([en, *aliases])


def _text_input(name: str, lang: str, max_length: int, default: str | None, *, paragraph: bool = False,
                required: bool = True) -> discord.ui.TextInput:
    """One field of the term form; its custom_id is the field name, its label the translated one."""
    return discord.ui.TextInput(
        custom_id=name, label=t(f"modal.{name}", lang), max_length=max_length, default=default, required=required,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
    )


class TermModal(discord.ui.Modal):
    """The term form. Subclasses implement submit(); errors reach the user like command errors."""

    def __init__(self, title_key: str, *, category: str, lang: str = ZH, defaults: dict | None = None):
        super().__init__(title=t(title_key, lang), timeout=900)
        self.category = category
        self.lang = lang
        defaults = defaults or {}
        names = join_names(defaults.get("en", ""), defaults.get("aliases", [])) if defaults else None
        self.term = _text_input("term", lang, m.MAX_TERM, defaults.get("term"))
        self.names = _text_input("names", lang, 1000, names, paragraph=True)
        self.summary = _text_input("summary", lang, m.MAX_SUMMARY, defaults.get("summary"))
        self.definition = _text_input("definition", lang, m.MAX_DEFINITION, defaults.get("definition"), paragraph=True)
        self.example = _text_input("example", lang, m.MAX_EXAMPLE, defaults.get("example") or None, paragraph=True,
                                   required=False)
        for item in (self.term, self.names, self.summary, self.definition, self.example):
            self.add_item(item)

    def values(self) -> dict:
        english, aliases = split_names(self.names.value)
        return {
            "term": self.term.value.strip(),
            "en": english,
            "aliases": aliases,
            "category": self.category,
            "summary": self.summary.value.strip(),
            "definition": self.definition.value.strip(),
            "example": self.example.value.strip(),
        }

    async def submit(self, interaction: discord.Interaction, values: dict) -> None:
        raise NotImplementedError

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.submit(interaction, self.values())

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]
