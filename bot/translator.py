"""Command names and descriptions in English for English Discord clients.

Strings are written Chinese-first with the English text in locale_str extras
(`_("中文", en="English")`); Discord shows whichever matches the user's locale.
"""

from __future__ import annotations

import discord
from discord import app_commands


class ExtrasTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if str(locale).startswith("en"):
            return string.extras.get("en")
        return None
