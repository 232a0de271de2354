"""Per-member cooldowns on what members can make the bot post or write, sparing moderators.

Slash commands use discord.py's `dynamic_cooldown` (its CommandOnCooldown reaches the tree's
error handler). Persistent buttons answer their own refusal, since their errors never reach
the tree. Time is the interaction's own timestamp, as discord.py's cooldowns use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import TypeVar

import discord
from discord import app_commands

from bot.core.i18n import register, t
from bot.ui.checks import is_moderator
from bot.ui.embeds import lang_of, reply_error

register({
    "cooldown.wait": ("操作太频繁了，请 {seconds} 秒后再试。",
                      "You're doing that too often; try again in {seconds} s."),
})

T = TypeVar("T")

SUGGEST_RATE = (3, 600.0)  # /suggestterm: three forms per member per server in ten minutes
CARD_BUTTON_RATE = (10, 30.0)  # 再来一个 and related-term buttons under public posts
RANDOM_RATE = (5, 60.0)  # /random, which posts a public card each time


def cooldown_text(retry_after: float, lang: str) -> str:
    return t("cooldown.wait", lang, seconds=max(1, math.ceil(retry_after)))


def member_key(interaction: discord.Interaction) -> Hashable:
    """One bucket per member per server."""
    return (interaction.guild_id or 0, interaction.user.id)


def member_cooldown(rate: int, per: float) -> Callable[[T], T]:
    """Decorator for a slash command: `rate` uses per `per` seconds for each member; none for moderators."""

    async def factory(interaction: discord.Interaction) -> app_commands.Cooldown | None:
        return None if await is_moderator(interaction) else app_commands.Cooldown(rate, per)

    return app_commands.checks.dynamic_cooldown(factory, key=member_key)


class ButtonCooldown:
    """The same rule for persistent buttons: `allow` answers the refusal itself and returns False."""

    def __init__(self, rate: int, per: float):
        self.rate, self.per = rate, per
        self._buckets: dict[Hashable, app_commands.Cooldown] = {}

    def _bucket(self, key: Hashable, now: float) -> app_commands.Cooldown:
        for dead in [k for k, b in self._buckets.items() if now > b._last + b.per]:
            del self._buckets[dead]  # members who have been quiet for a whole window
        return self._buckets.setdefault(key, app_commands.Cooldown(self.rate, self.per))

    async def allow(self, interaction: discord.Interaction) -> bool:
        if await is_moderator(interaction):
            return True
        now = interaction.created_at.timestamp()
        bucket = self._bucket(member_key(interaction), now)
        retry_after = bucket.update_rate_limit(now)
        if retry_after is None:
            return True
        refusal = app_commands.CommandOnCooldown(bucket, retry_after)
        interaction.client.dispatch("interaction_failed", interaction, refusal)  # counted by cogs/metrics.py
        await reply_error(interaction, cooldown_text(retry_after, lang_of(interaction)))
        return False


CARD_BUTTONS = ButtonCooldown(*CARD_BUTTON_RATE)  # one budget for every card-opening button
