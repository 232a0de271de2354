"""Server-side permission checks for every write command.

`default_permissions` only hides commands in the client; a crafted interaction can
still arrive, so each write re-checks the member's permissions here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.i18n import register, t
from bot.ui.embeds import guild_of, lang_of, reply_error

if TYPE_CHECKING:
    from bot.client import LiandanBot

register({
    "check.guild_only": (
        "这个命令只能在添加了本机器人的服务器里使用。", "This command only works in a server that added the bot."
    ),
    "check.moderator_only": (
        "只有管理员（需要“管理服务器”权限或本服务器设置的管理角色）才能这样做。",
        "Only moderators (Manage Server permission or this server's moderator role) can do that.",
    ),
})


class NotModerator(app_commands.CheckFailure):
    pass


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator) from the interaction, or the configured moderator role."""
    if not guild_of(interaction):  # a DM, or a server reached only through a user's own install
        return False
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator:
        return True
    bot: LiandanBot = interaction.client  # type: ignore[assignment]
    settings = await bot.services.settings.get(interaction.guild_id)
    member = interaction.user
    role_ids = {r.id for r in getattr(member, "roles", [])}
    return settings.moderator_role_id is not None and settings.moderator_role_id in role_ids


async def ensure_moderator(interaction: discord.Interaction) -> bool:
    """Use inside callbacks (buttons, modals) that a crafted interaction could reach."""
    if not guild_of(interaction):
        raise NotModerator(t("check.guild_only", lang_of(interaction)))
    if not await is_moderator(interaction):
        raise NotModerator(t("check.moderator_only", lang_of(interaction)))
    return True


async def refuse_unless_moderator(interaction: discord.Interaction) -> bool:
    """For persistent buttons, whose errors never reach the command tree: answer the refusal here."""
    try:
        return await ensure_moderator(interaction)
    except NotModerator as refusal:
        await reply_error(interaction, str(refusal))
        return False


def moderator_only():
    """Decorator for write commands: hidden from members by default AND checked on the server.
    Installable by servers only: a user's own install never offers them."""

    def decorator(func):
        func = app_commands.guild_only()(func)
        func = app_commands.allowed_installs(guilds=True, users=False)(func)
        func = app_commands.default_permissions(manage_guild=True)(func)
        return app_commands.check(ensure_moderator)(func)

    return decorator
