"""Slash-command choices shared by several commands."""

from __future__ import annotations

from discord import app_commands
from discord.app_commands import locale_str as _

from bot.core.models import Category

CATEGORY_CHOICES = [
    app_commands.Choice(name=_(f"{c.label_zh} {c.label_en}", en=c.label_en), value=c.value) for c in Category
]
