"""The simulated Discord's world: users, servers (guilds) with their channels, roles and members,
the messages in each channel and the interactions waiting for the bot's answer.

Plain data and the JSON payloads Discord would send for it; nothing here speaks HTTP.
tests/support/discord_server.py serves this state to the bot and tests/support/driver.py acts
on it the way people in a server would.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import discord

EPHEMERAL = 64  # message flag
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11
MEMBER_DEFAULT = (1 << 10) | SEND_MESSAGES | (1 << 14) | (1 << 16) | (1 << 31)  # view, send, embed, history, use commands
BOT_PERMISSIONS = MEMBER_DEFAULT | (1 << 15)  # + attach files
ALL_PERMISSIONS = discord.Permissions.all().value

# Interaction response types: the `type` of the bot's callback, and so of a Reply.
CHANNEL_MESSAGE = discord.InteractionResponseType.channel_message.value  # 4: answered with a new message
DEFERRED_CHANNEL_MESSAGE = discord.InteractionResponseType.deferred_channel_message.value  # 5: "thinking…", then a followup
DEFERRED_MESSAGE_UPDATE = discord.InteractionResponseType.deferred_message_update.value  # 6: an edit comes later
MESSAGE_UPDATE = discord.InteractionResponseType.message_update.value  # 7: the clicked message edited in place
AUTOCOMPLETE_RESULT = discord.InteractionResponseType.autocomplete_result.value  # 8: choices
MODAL = discord.InteractionResponseType.modal.value  # 9: a form opens
DEFERRED = (DEFERRED_CHANNEL_MESSAGE, DEFERRED_MESSAGE_UPDATE)  # answered only once a followup or edit arrives

# Interaction types: what a person did.
APPLICATION_COMMAND = discord.InteractionType.application_command.value  # 2: ran a slash command
COMPONENT = discord.InteractionType.component.value  # 3: clicked a button or picked in a select menu
AUTOCOMPLETE = discord.InteractionType.autocomplete.value  # 4: is typing an option
MODAL_SUBMIT = discord.InteractionType.modal_submit.value  # 5: submitted a form

# Component types.
ACTION_ROW = discord.ComponentType.action_row.value  # 1
BUTTON = discord.ComponentType.button.value  # 2
SELECT = discord.ComponentType.select.value  # 3: a string select menu
TEXT_INPUT = discord.ComponentType.text_input.value  # 4
LABEL = discord.ComponentType.label.value  # 18: a label wrapping one input in a modal

# Channel types.
TEXT_CHANNEL = discord.ChannelType.text.value  # 0
DM_CHANNEL = discord.ChannelType.private.value  # 1

# Message types.
DEFAULT_MESSAGE = discord.MessageType.default.value  # 0: a post
COMMAND_RESPONSE = discord.MessageType.chat_input_command.value  # 20: an interaction's response

_ids = itertools.count(1_100_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict:
        return {"id": str(self.id), "username": self.name, "discriminator": "0", "global_name": self.name,
                "avatar": None, "bot": self.bot, "public_flags": 0}


@dataclass
class Member:
    user: User
    guild: Guild
    permissions: int = MEMBER_DEFAULT
    roles: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def effective_permissions(self) -> int:
        """What Discord puts in member.permissions: own bits plus every role's; administrator means all."""
        bits = self.permissions
        for role_id in self.roles:
            bits |= int(self.guild.roles[role_id]["permissions"])
        return ALL_PERMISSIONS if bits & ADMINISTRATOR else bits

    def payload(self, *, with_permissions: bool = True) -> dict:
        data = {"user": self.user.payload(), "roles": [str(r) for r in self.roles], "joined_at": now_iso(),
                "deaf": False, "mute": False, "flags": 0, "nick": None, "avatar": None, "pending": False}
        if with_permissions:
            data["permissions"] = str(self.effective_permissions)
        return data


@dataclass
class Channel:
    id: int
    guild: Guild
    name: str
    bot_can_post: bool = True

    def payload(self) -> dict:
        overwrites = []
        if not self.bot_can_post:  # deny send_messages to the bot in this channel
            overwrites.append({"id": str(self.guild.state.bot_user.id), "type": 1, "allow": "0",  # 1: a member's
                               "deny": str(SEND_MESSAGES)})
        return {"id": str(self.id), "type": TEXT_CHANNEL, "guild_id": str(self.guild.id), "name": self.name, "position": 0,
                "permission_overwrites": overwrites, "nsfw": False, "topic": None, "last_message_id": None,
                "rate_limit_per_user": 0, "parent_id": None, "flags": 0}


def _role(role_id: int, name: str, permissions: int, *, position: int = 1, managed: bool = False) -> dict:
    return {"id": str(role_id), "name": name, "permissions": str(permissions), "position": position,
            "color": 0, "hoist": False, "managed": managed, "mentionable": False, "flags": 0}


@dataclass
class Guild:
    state: DiscordState
    id: int
    name: str
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    roles: dict[int, dict] = field(default_factory=dict)

    def add_text_channel(self, name: str, *, bot_can_post: bool = True) -> Channel:
        channel = Channel(snowflake(), self, name, bot_can_post)
        self.channels[channel.id] = channel
        self.state.channels[channel.id] = channel
        return channel

    def add_role(self, name: str, permissions: int = 0) -> int:
        role_id = snowflake()
        self.roles[role_id] = _role(role_id, name, permissions)
        return role_id

    def add_member(self, name: str, *, permissions: int = MEMBER_DEFAULT, roles: list[int] | None = None) -> Member:
        member = Member(User(snowflake(), name), self, permissions, list(roles or []))
        self.members[member.id] = member
        return member

    def payload(self) -> dict:
        """GUILD_CREATE's data: @everyone and the bot's managed role come first, the bot is the one member sent."""
        everyone = _role(self.id, "@everyone", MEMBER_DEFAULT, position=0)
        bot_role = _role(self.id + 1, "Liandan", BOT_PERMISSIONS, managed=True)
        bot_member = {"user": self.state.bot_user.payload(), "roles": [str(self.id + 1)], "joined_at": now_iso(),
                      "deaf": False, "mute": False, "flags": 0}
        return {
            "id": str(self.id), "name": self.name, "icon": None, "owner_id": "1", "unavailable": False,
            "member_count": len(self.members) + 1, "large": False, "features": [], "emojis": [], "stickers": [],
            "roles": [everyone, bot_role, *self.roles.values()], "channels": [c.payload() for c in self.channels.values()],
            "members": [bot_member], "threads": [], "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "preferred_locale": "zh-CN", "premium_tier": 0, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0,
            "afk_timeout": 300, "system_channel_flags": 0, "joined_at": now_iso(),
        }


@dataclass
class Attachment:
    """A file a user uploads with a slash command (an Attachment option)."""

    id: int
    filename: str
    data: bytes

    def payload(self, base_url: str) -> dict:
        """As Discord resolves it; `base_url` is where the server hands out the file's bytes."""
        url = f"{base_url}/attachments/{self.id}/{self.filename}"
        return {"id": str(self.id), "filename": self.filename, "size": len(self.data), "url": url, "proxy_url": url,
                "content_type": "text/plain; charset=utf-8"}


@dataclass
class Reply:
    """What a user would see after an interaction: the callback and the resulting message."""

    type: int
    data: dict
    message: dict | None = None

    @property
    def ephemeral(self) -> bool:
        flags = (self.message or {}).get("flags") or self.data.get("flags") or 0
        return bool(int(flags) & EPHEMERAL)

    @property
    def content(self) -> str:
        return (self.message or self.data).get("content") or ""

    @property
    def embeds(self) -> list[dict]:
        return (self.message or self.data).get("embeds") or []

    @property
    def components(self) -> list[dict]:
        return (self.message or self.data).get("components") or []

    @property
    def buttons(self) -> list[dict]:
        return [c for row in self.components for c in row.get("components", []) if c.get("type") == BUTTON]

    @property
    def choices(self) -> list[dict]:
        return self.data.get("choices") or []


@dataclass
class PendingInteraction:
    """An interaction sent to the bot, until its answer arrives (and, when deferred, its followup)."""

    id: int
    token: str
    channel_id: int
    kind: int  # the interaction's type: APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE or MODAL_SUBMIT
    done: asyncio.Event = field(default_factory=asyncio.Event)
    reply: Reply | None = None
    original: dict | None = None
    followups: list[dict] = field(default_factory=list)
    loading: bool = False  # deferred (DEFERRED_CHANNEL_MESSAGE) and not yet answered: "<bot> is thinking…"


class DiscordState:
    """Everything the simulated Discord knows, shared by its server and the test driver."""

    def __init__(self) -> None:
        self.app_id = snowflake()
        self.bot_user = User(self.app_id, "炼丹词典", bot=True)
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}  # every server's text channels, by id
        self.commands: dict[int | None, list[dict]] = {}  # server id (None: global) → commands as last synced
        self.messages: dict[int, list[dict]] = {}  # channel id → its messages, oldest first
        self.interactions: dict[str, PendingInteraction] = {}  # by token
        self.attachments: dict[int, Attachment] = {}
        self.dm_channels: dict[int, int] = {}  # user id → DM channel id

    def add_guild(self, name: str) -> Guild:
        guild = Guild(self, snowflake(), name)
        self.guilds[guild.id] = guild
        return guild

    def add_attachment(self, filename: str, data: bytes) -> Attachment:
        item = Attachment(snowflake(), filename, data)
        self.attachments[item.id] = item
        return item

    def user(self, user_id: int) -> User | None:
        """A member of any server, by id."""
        for guild in self.guilds.values():
            if user_id in guild.members:
                return guild.members[user_id].user
        return None

    def dm_channel(self, user: User) -> int:
        """The id of the bot's DM channel with this user, opened on first use."""
        return self.dm_channels.setdefault(user.id, snowflake())

    def can_receive(self, channel_id: int) -> bool:
        """A server text channel that still exists, or an open DM channel."""
        return channel_id in self.channels or channel_id in self.dm_channels.values()

    def store_commands(self, guild_id: int | None, commands: list[dict]) -> list[dict]:
        """Replace the global (or one server's) commands, as Discord stores them: with ids."""
        self.commands[guild_id] = [
            {"type": 1, "description": "", **command, "id": str(snowflake()), "application_id": str(self.app_id),
             "guild_id": str(guild_id) if guild_id else None, "version": "1",
             "default_member_permissions": command.get("default_member_permissions"),
             "dm_permission": command.get("dm_permission", True)}
            for command in commands]
        return self.commands[guild_id]

    def new_message(self, channel_id: int, body: dict, *, flags: int = 0, interaction: bool = False) -> dict:
        """A message by the bot: a post or an interaction's response."""
        message = {
            "id": str(snowflake()), "channel_id": str(channel_id), "author": self.bot_user.payload(),
            "content": body.get("content") or "", "timestamp": now_iso(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": body.get("embeds") or [], "components": body.get("components") or [], "pinned": False,
            "type": COMMAND_RESPONSE if interaction else DEFAULT_MESSAGE, "flags": flags | int(body.get("flags") or 0),
        }
        if body.get("nonce"):
            message["nonce"] = body["nonce"]
        channel = self.channels.get(channel_id)
        if channel is not None:
            message["guild_id"] = str(channel.guild.id)
        self.messages.setdefault(channel_id, []).append(message)
        return message

    def find_message(self, message_id: int) -> dict | None:
        for messages in self.messages.values():
            for m in messages:
                if int(m["id"]) == message_id:
                    return m
        return None

    @staticmethod
    def edit_message(message: dict, body: dict) -> dict:
        """Apply an edit in place: a key sent as null clears it."""
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        message["edited_timestamp"] = now_iso()
        return message
