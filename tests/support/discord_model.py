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
USE_EXTERNAL_APPS = 1 << 50  # lets a member's own (user-installed) apps answer publicly; on by default
MEMBER_DEFAULT = (1 << 10) | SEND_MESSAGES | (1 << 14) | (1 << 16) | (1 << 31) | USE_EXTERNAL_APPS
# view, send, embed, history, use commands, use external apps
BOT_PERMISSIONS = MEMBER_DEFAULT | (1 << 15)  # + attach files
PRIVATE_APP_PERMISSIONS = (1 << 14) | (1 << 15) | (1 << 17)  # what Discord grants an app in a (group) DM: embed, attach, @everyone
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

# Command types.
CHAT_INPUT_COMMAND = discord.AppCommandType.chat_input.value  # 1: a slash command
MESSAGE_COMMAND = discord.AppCommandType.message.value  # 3: a message context menu (right-click → Apps)

# Component types.
ACTION_ROW = discord.ComponentType.action_row.value  # 1
BUTTON = discord.ComponentType.button.value  # 2
SELECT = discord.ComponentType.select.value  # 3: a string select menu
TEXT_INPUT = discord.ComponentType.text_input.value  # 4
LABEL = discord.ComponentType.label.value  # 18: a label wrapping one input in a modal

# Channel types.
TEXT_CHANNEL = discord.ChannelType.text.value  # 0
DM_CHANNEL = discord.ChannelType.private.value  # 1
GROUP_DM_CHANNEL = discord.ChannelType.group.value  # 3

# Where a command was used (an interaction's `context`) and through which install (`integration_types`).
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1

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


@dataclass
class PrivateChannel:
    """A DM or a group DM: no server and no members, only recipients. `with_bot`: the bot's own DM
    with a user (context BOT_DM); otherwise a channel between people (context PRIVATE_CHANNEL),
    which a bot only reaches through a user's own install."""

    id: int
    type: int  # DM_CHANNEL or GROUP_DM_CHANNEL
    recipients: list[User]
    with_bot: bool = True

    @property
    def context(self) -> int:
        return BOT_DM_CONTEXT if self.with_bot else PRIVATE_CHANNEL_CONTEXT

    def payload(self) -> dict:
        data = {"id": str(self.id), "type": self.type, "recipients": [u.payload() for u in self.recipients],
                "last_message_id": None, "flags": 0}
        if self.type == GROUP_DM_CHANNEL:
            data.update(name=None, icon=None, owner_id=str(self.recipients[0].id))
        return data


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
    bot_installed: bool = True  # False: the bot was never added (no GUILD_CREATE); reached only through user installs

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
        self.users: dict[int, User] = {}  # people outside every server the fake knows
        self.private_channels: dict[int, PrivateChannel] = {}  # DMs and group DMs people act in

    def add_guild(self, name: str, *, bot_installed: bool = True, shard: tuple[int, int] | None = None) -> Guild:
        """A new server; `shard=(id, count)` picks an id that Discord would route to that shard."""
        guild_id = snowflake()
        while shard is not None and (guild_id >> 22) % shard[1] != shard[0]:
            guild_id = snowflake() + (1 << 22)
        guild = Guild(self, guild_id, name, bot_installed=bot_installed)
        self.guilds[guild.id] = guild
        return guild

    def add_user(self, name: str) -> User:
        user = User(snowflake(), name)
        self.users[user.id] = user
        return user

    def bot_dm(self, user: User) -> PrivateChannel:
        """The user's DM with the bot (the same channel the bot's own DMs go to)."""
        channel_id = self.dm_channel(user)
        return self.private_channels.setdefault(channel_id, PrivateChannel(channel_id, DM_CHANNEL, [user]))

    def group_dm(self, *users: User) -> PrivateChannel:
        """A group DM between people; the bot is not in it."""
        channel = PrivateChannel(snowflake(), GROUP_DM_CHANNEL, list(users), with_bot=False)
        self.private_channels[channel.id] = channel
        return channel

    def place(self, channel_id: int) -> Channel | PrivateChannel:
        """The server channel or private channel with this id."""
        channel = self.channels.get(channel_id) or self.private_channels.get(channel_id)
        if channel is None:
            raise AssertionError(f"no channel {channel_id}")
        return channel

    def bot_can_access(self, channel_id: int) -> bool:
        """Whether the bot's own REST calls reach this channel: a server that added it, or its own DMs."""
        channel = self.channels.get(channel_id)
        if channel is not None:
            return channel.guild.bot_installed
        return channel_id in self.dm_channels.values()

    def add_attachment(self, filename: str, data: bytes) -> Attachment:
        item = Attachment(snowflake(), filename, data)
        self.attachments[item.id] = item
        return item

    def user(self, user_id: int) -> User | None:
        """A member of any server, or someone outside them, by id."""
        for guild in self.guilds.values():
            if user_id in guild.members:
                return guild.members[user_id].user
        return self.users.get(user_id)

    def dm_channel(self, user: User) -> int:
        """The id of the bot's DM channel with this user, opened on first use."""
        return self.dm_channels.setdefault(user.id, snowflake())

    def can_receive(self, channel_id: int) -> bool:
        """A server text channel that still exists in a server with the bot, or an open DM channel."""
        return self.bot_can_access(channel_id)

    def store_commands(self, guild_id: int | None, commands: list[dict]) -> list[dict]:
        """Replace the global (or one server's) commands, as Discord stores them: with ids."""
        self.commands[guild_id] = [
            {"type": 1, "description": "", **command, "id": str(snowflake()), "application_id": str(self.app_id),
             "guild_id": str(guild_id) if guild_id else None, "version": "1",
             "default_member_permissions": command.get("default_member_permissions"),
             "dm_permission": command.get("dm_permission", True)}
            for command in commands]
        return self.commands[guild_id]

    def post_as(self, author: User, channel_id: int, content: str = "", embeds: list[dict] | None = None) -> dict:
        """A message a person (or another bot) wrote, for context menus to act on."""
        message = self.new_message(channel_id, {"content": content, "embeds": embeds or []})
        message["author"] = author.payload()
        return message

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
