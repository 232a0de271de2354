"""Slash-command cogs. Each module exposes `async def setup(bot)`."""

EXTENSIONS = ["bot.cogs.define", "bot.cogs.daily"]
