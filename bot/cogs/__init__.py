"""Slash-command cogs. Each module exposes `async def setup(bot)`."""

EXTENSIONS = [
    "bot.cogs.define",
    "bot.cogs.explain",
    "bot.cogs.moderation",
    "bot.cogs.glossary_admin",
    "bot.cogs.daily",
    "bot.cogs.discovery",
    "bot.cogs.metrics",
    "bot.cogs.privacy",
]
