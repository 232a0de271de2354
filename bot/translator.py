"""Command names and descriptions for English and Traditional Chinese (zh-TW) Discord clients.

Strings are written Simplified-Chinese-first with the English text in locale_str extras
(`_("中文", en="English")`); zh-TW gets the Chinese converted with Taiwan phrasing (s2twp).
Discord shows whichever matches the user's locale.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.i18n import to_taiwan


class ExtrasTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if str(locale).startswith("en"):
            return string.extras.get("en")
        if locale is discord.Locale.taiwan_chinese:
            converted = to_taiwan(string.message)
            return converted if converted != string.message else None
        return None
