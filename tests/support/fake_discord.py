"""A small simulated Discord on 127.0.0.1: REST + gateway, enough for slash commands,
autocomplete, buttons, modals and channel posts.

The bot under test runs discord.py's real HTTP and WebSocket code against it. Every
body the bot sends is checked against Discord's limits (and official schema) and any
violation is recorded in `violations`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, NamedTuple

import discord
import yarl
from aiohttp import WSMsgType, web

from tests.support import limits

EPHEMERAL = 64
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
MEMBER_DEFAULT = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)  # view, send, embed, history, use commands
BOT_PERMISSIONS = MEMBER_DEFAULT | (1 << 15)  # + attach files
ALL_PERMISSIONS = discord.Permissions.all().value

_ids = itertools.count(1_100_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def point_discord_py_at(api_base: str, gateway_url: str | yarl.URL) -> tuple[str, yarl.URL]:
    """Send this process's discord.py REST and gateway traffic elsewhere; returns the old pair to restore."""
    old = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway_url))
    return old


def _without_files(body: Any) -> Any:
    """The JSON part of a body, without the fake's own note of which files were uploaded."""
    if isinstance(body, dict) and "_files" in body:
        return {k: v for k, v in body.items() if k != "_files"}
    return body


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
            overwrites.append({"id": str(self.guild.fake.bot_user.id), "type": 1, "allow": "0", "deny": str(1 << 11)})
        return {"id": str(self.id), "type": 0, "guild_id": str(self.guild.id), "name": self.name, "position": 0,
                "permission_overwrites": overwrites, "nsfw": False, "topic": None, "last_message_id": None,
                "rate_limit_per_user": 0, "parent_id": None, "flags": 0}


@dataclass
class Guild:
    fake: FakeDiscord
    id: int
    name: str
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    roles: dict[int, dict] = field(default_factory=dict)

    def add_text_channel(self, name: str, *, bot_can_post: bool = True) -> Channel:
        channel = Channel(snowflake(), self, name, bot_can_post)
        self.channels[channel.id] = channel
        self.fake.channels[channel.id] = channel
        return channel

    def add_role(self, name: str, permissions: int = 0) -> int:
        role_id = snowflake()
        self.roles[role_id] = {"id": str(role_id), "name": name, "permissions": str(permissions), "position": 1,
                               "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return role_id

    def add_member(self, name: str, *, permissions: int = MEMBER_DEFAULT, roles: list[int] | None = None) -> Member:
        member = Member(User(snowflake(), name), self, permissions, list(roles or []))
        self.members[member.id] = member
        return member

    def payload(self) -> dict:
        everyone = {"id": str(self.id), "name": "@everyone", "permissions": str(MEMBER_DEFAULT), "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        bot_role = {"id": str(self.id + 1), "name": "Liandan", "permissions": str(BOT_PERMISSIONS), "position": 1,
                    "color": 0, "hoist": False, "managed": True, "mentionable": False, "flags": 0}
        bot_member = {"user": self.fake.bot_user.payload(), "roles": [str(self.id + 1)], "joined_at": now_iso(),
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


class Request(NamedTuple):
    """One REST call the bot made; indexable as (method, path, body, query)."""

    method: str
    path: str
    body: Any
    query: dict[str, str]


@dataclass
class Attachment:
    """A file a user uploads with a slash command (an Attachment option)."""

    id: int
    filename: str
    data: bytes

    def payload(self, fake: FakeDiscord) -> dict:
        url = f"http://127.0.0.1:{fake.port}/attachments/{self.id}/{self.filename}"
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
        return [c for row in self.components for c in row.get("components", []) if c.get("type") == 2]

    @property
    def choices(self) -> list[dict]:
        return self.data.get("choices") or []


@dataclass
class _Pending:
    id: int
    token: str
    channel_id: int
    kind: int  # the interaction's type: 2 command, 3 component, 4 autocomplete, 5 modal submit
    done: asyncio.Event = field(default_factory=asyncio.Event)
    reply: Reply | None = None
    original: dict | None = None
    followups: list[dict] = field(default_factory=list)
    loading: bool = False  # deferred with type 5 and not yet answered: "<bot> is thinking…"


def _modal_inputs(modal: dict) -> list[dict]:
    out = []
    for row in modal.get("components", []):
        out += [row["component"]] if row.get("type") == 18 else row.get("components", [])
    return out


def _submitted(component: dict, values: dict[str, str | list[str]]) -> dict:
    """One input as the Discord client submits it, after checking what the client would check."""
    custom_id = component["custom_id"]
    value = values.get(custom_id)
    if component["type"] == 4:  # text input
        text = value if isinstance(value, str) else (component.get("value") or "")
        if not text and component.get("required", True):
            raise AssertionError(f"text input {custom_id!r} is required")
        if text and not component.get("min_length", 0) <= len(text) <= component.get("max_length", 4000):
            raise AssertionError(f"text input {custom_id!r}: {len(text)} characters outside "
                                 f"{component.get('min_length', 0)}-{component.get('max_length', 4000)}")
        return {"type": 4, "custom_id": custom_id, "value": text}
    chosen = list(value or [])
    if component["type"] == 3:
        offered = {o["value"] for o in component.get("options", [])}
        assert set(chosen) <= offered, f"{chosen} not among {sorted(offered)}"
    return {"type": component["type"], "custom_id": custom_id, "values": chosen}


_OPTION_TYPES: dict[int, type | tuple[type, ...]] = {3: str, 4: int, 5: bool, 10: (int, float)}


def _check_typed_options(path: str, specs: list[dict], sent: list[dict]) -> None:
    """The Discord client refuses to send a command with a missing required option or an off-menu choice."""
    given = {o["name"]: o for o in sent}
    for spec in specs:
        if spec.get("type") in (1, 2):
            continue
        option = given.get(spec["name"])
        if option is None:
            if spec.get("required"):
                raise AssertionError(f"/{path} needs option {spec['name']!r}")
            continue
        value = option["value"]
        wanted = _OPTION_TYPES.get(spec["type"])
        if wanted and (not isinstance(value, wanted) or (spec["type"] != 5 and isinstance(value, bool))):
            raise AssertionError(f"/{path} {spec['name']}: {value!r} is not a {wanted}")
        choices = [c["value"] for c in spec.get("choices") or []]
        if choices and value not in choices:
            raise AssertionError(f"/{path} {spec['name']}: {value!r} is not one of the choices {choices}")


class FakeDiscord:
    def __init__(self) -> None:
        self.app_id = snowflake()
        self.bot_user = User(self.app_id, "炼丹词典", bot=True)
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self._commands: dict[int | None, list[dict]] = {}
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.unhandled: list[str] = []  # routes the bot called that this fake does not model
        self._messages: dict[int, list[dict]] = {}
        self._pending: dict[str, _Pending] = {}
        self._failures: dict[int, list[int]] = {}  # channel → statuses to answer with, in order (-1 = forever)
        self._retry_after = 0.01
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._identified = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._saved: tuple | None = None
        self._bot_task: asyncio.Task | None = None
        self.bot: discord.Client | None = None
        self._attachments: dict[int, Attachment] = {}
        self._dm_channels: dict[int, int] = {}  # user id → DM channel id

    # --- lifecycle -----------------------------------------------------------------
    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    async def start(self, port: int = 0, *, patch_discord: bool = True) -> None:
        """Listen on 127.0.0.1:port (0: any free port) and, by default, point this process's discord.py here."""
        app = web.Application()
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        from tests.support.control import add_control_routes  # the JSON API for driving a standalone fake

        add_control_routes(app, self)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if patch_discord:
            self._saved = point_discord_py_at(self.api_base, self.gateway_url)

    async def stop(self) -> None:
        await self.stop_bot()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._saved is not None:
            point_discord_py_at(*self._saved)
            self._saved = None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def run_bot(self, bot: discord.Client, *, timeout: float = 15) -> None:
        """Start the bot against this fake and wait until it is ready with commands synced."""
        bot._connection.guild_ready_timeout = 0.01  # no real guild to wait for
        self.bot = bot
        self._identified = asyncio.Event()
        self._bot_task = asyncio.create_task(bot.start("fake.bot.token"))
        waiter = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({waiter, self._bot_task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if self._bot_task in done:
            waiter.cancel()
            self._bot_task.result()  # surface the start-up error
        if waiter not in done:
            raise TimeoutError("bot did not become ready")

    async def wait_identified(self) -> None:
        """Until a bot has identified on the gateway and been sent READY and its guilds."""
        await self._identified.wait()

    async def stop_bot(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._bot_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._bot_task, 5)
        self.bot = None
        self._bot_task = None
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    # --- the world -----------------------------------------------------------------
    def add_guild(self, name: str = "AI 绘画交流") -> Guild:
        guild = Guild(self, snowflake(), name)
        self.guilds[guild.id] = guild
        return guild

    def messages(self, channel_id: int) -> list[dict]:
        return list(self._messages.get(channel_id, []))

    def attachment(self, filename: str, data: bytes) -> Attachment:
        item = Attachment(snowflake(), filename, data)
        self._attachments[item.id] = item
        return item

    async def wait_for(self, predicate, *, timeout: float = 5.0) -> None:
        """Wait until predicate() holds: for what the bot sends after it has answered (a DM, a post)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise AssertionError("the simulated Discord never saw what the test waited for")
            await asyncio.sleep(0.01)

    def dms(self, user_id: int) -> list[dict]:
        """Direct messages the bot sent to this user."""
        channel = self._dm_channels.get(user_id)
        return self.messages(channel) if channel else []

    def _user(self, user_id: int) -> User | None:
        for guild in self.guilds.values():
            if user_id in guild.members:
                return guild.members[user_id].user
        return None

    def channel_posts(self, channel_id: int) -> list[dict]:
        """Messages the bot posted on its own (not replies to interactions)."""
        return [m for m in self._messages.get(channel_id, []) if m["type"] == 0]

    def fail_channel(self, channel_id: int, status: int, times: int = -1, *, retry_after: float = 0.01) -> None:
        """Answer the next `times` posts to this channel with `status` (-1: until cleared).

        403 is Missing Permissions (50013), 404 Unknown Channel (10003), 429 a rate limit that
        discord.py sleeps `retry_after` seconds on and retries, 500/502 a server error that
        discord.py retries after 1 s, 503 one it gives up on at once.
        """
        self._retry_after = retry_after
        self._failures[channel_id] = [status] * times if times > 0 else [status, -1]

    def problems(self) -> list[str]:
        """Limit/schema violations plus calls to routes this fake does not model."""
        return self.violations + [f"unmodelled route {r}" for r in self.unhandled]

    def assert_clean(self) -> None:
        """Fail when the bot sent anything Discord would reject or called a route the fake lacks."""
        problems = self.problems()
        assert not problems, "the bot sent bodies Discord would reject:\n" + "\n".join(problems)

    def clear_failures(self, channel_id: int) -> None:
        self._failures.pop(channel_id, None)

    def commands(self, guild_id: int | None = None) -> list[dict]:
        """The commands the bot last synced: global ones, or one guild's (as Discord stores them, with ids)."""
        return list(self._commands.get(guild_id, []))

    synced = commands

    def message(self, message_id: int | str) -> dict | None:
        """A message the fake holds, by id, in any channel."""
        return self._find_message(int(message_id))

    async def create_channel(self, guild: Guild, name: str, *, bot_can_post: bool = True) -> Channel:
        """A text channel made while the bot runs: the bot hears CHANNEL_CREATE (add_text_channel is for before)."""
        channel = guild.add_text_channel(name, bot_can_post=bot_can_post)
        await self._dispatch_and_wait("CHANNEL_CREATE", channel.payload(), "guild_channel_create", channel.id)
        return channel

    async def delete_channel(self, channel: Channel) -> None:
        """Someone deletes the channel: the bot hears CHANNEL_DELETE and every later call gets 404."""
        channel.guild.channels.pop(channel.id, None)
        self.channels.pop(channel.id, None)
        await self._dispatch_and_wait("CHANNEL_DELETE", channel.payload(), "guild_channel_delete", channel.id)

    async def _dispatch_and_wait(self, event: str, data: dict, bot_event: str, object_id: int) -> None:
        """Send a gateway event; with the bot in this process, return once discord.py has handled it."""
        if self._ws is None or self._ws.closed:
            return  # no bot connected: it will see the new state in GUILD_CREATE
        if self.bot is None:  # a bot in another process: nothing to wait on
            await self._dispatch(event, data)
            return
        heard = asyncio.ensure_future(self.bot.wait_for(bot_event, check=lambda o: o.id == object_id, timeout=5))
        await self._dispatch(event, data)
        await heard

    # --- gateway -------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_json({"op": 11})
            elif op == 2:
                await self._dispatch("READY", {
                    "v": 10, "user": self.bot_user.payload(), "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url, "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
                    "application": {"id": str(self.app_id), "flags": 0}, "private_channels": [], "relationships": [],
                })
                for guild in self.guilds.values():
                    await self._dispatch("GUILD_CREATE", guild.payload())
                self._identified.set()
        return ws

    async def _dispatch(self, event: str, data: dict) -> None:
        assert self._ws is not None, "the bot is not connected"
        self._seq += 1
        await self._ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    # --- REST ----------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
            elif request.content_type.startswith("multipart/"):
                form = await request.post()
                body = json.loads(form["payload_json"]) if "payload_json" in form else {}
                # discord.py names uploads by index (0, 1, …), which Discord accepts; the OpenAPI
                # spec types attachment ids as snowflake strings, so compare like with like.
                for holder in (body, body.get("data") or {}):
                    for attachment in holder.get("attachments") or []:
                        attachment["id"] = str(attachment["id"])
                body["_files"] = [k for k in form if k != "payload_json"]
        self.requests.append(Request(request.method, path, body, dict(request.query)))
        for method, pattern, handler in self._routes:
            if method == request.method:
                match = re.fullmatch(pattern, path)
                if match:
                    return await handler(self, request, body, *match.groups())
        self.unhandled.append(f"{request.method} {path}")
        return self._json({"message": f"fake Discord has no route {request.method} {path}", "code": 0}, 404)

    @staticmethod
    def _json(data: Any, status: int = 200, headers: dict | None = None) -> web.Response:
        # Exactly application/json: discord.py reads a charset suffix as text.
        return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json",
                            headers=headers)

    def _check(self, problems: list[str], where: str) -> None:
        self.violations += [f"{where}: {p}" for p in problems]

    async def _attachment(self, request: web.Request) -> web.Response:
        item = self._attachments.get(int(request.match_info["id"]))
        if item is None:
            return web.Response(status=404)
        return web.Response(body=item.data, content_type="application/octet-stream")

    async def _get_user(self, request, body, user_id):
        user = self._user(int(user_id))
        if user is None:
            return self._json({"message": "Unknown User", "code": 10013}, 404)
        return self._json(user.payload())

    async def _open_dm(self, request, body):
        user = self._user(int(body["recipient_id"]))
        if user is None:
            return self._json({"message": "Unknown User", "code": 10013}, 404)
        channel_id = self._dm_channels.setdefault(user.id, snowflake())
        return self._json({"id": str(channel_id), "type": 1, "recipients": [user.payload()], "last_message_id": None})

    async def _me(self, request, body):
        return self._json(self.bot_user.payload())

    async def _application(self, request, body):
        return self._json({"id": str(self.app_id), "name": "炼丹词典", "description": "", "icon": None,
                           "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
                           "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
                           "flags": 0})

    async def _put_commands(self, request, body, app_id, guild_id=None):
        key = int(guild_id) if guild_id else None
        self._check(limits.check_limits("commands", body), "command sync")
        stored = []
        for command in body:
            stored.append({**command, "id": str(snowflake()), "application_id": str(self.app_id),
                           "guild_id": str(key) if key else None, "version": "1", "default_member_permissions":
                           command.get("default_member_permissions"), "dm_permission": command.get("dm_permission", True)})
        self._commands[key] = stored
        return self._json(stored)

    async def _put_guild_commands(self, request, body, app_id, guild_id):
        return await self._put_commands(request, body, app_id, guild_id)

    async def _get_channel(self, request, body, channel_id):
        channel = self.channels.get(int(channel_id))
        if channel is None:
            return self._json({"message": "Unknown Channel", "code": 10003}, 404)
        return self._json(channel.payload())

    def _new_message(self, channel_id: int, body: dict, *, flags: int = 0, interaction: bool = False) -> dict:
        message = {
            "id": str(snowflake()), "channel_id": str(channel_id), "author": self.bot_user.payload(),
            "content": body.get("content") or "", "timestamp": now_iso(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": body.get("embeds") or [], "components": body.get("components") or [], "pinned": False,
            "type": 20 if interaction else 0, "flags": flags | int(body.get("flags") or 0),
        }
        if body.get("nonce"):
            message["nonce"] = body["nonce"]
        channel = self.channels.get(channel_id)
        if channel is not None:
            message["guild_id"] = str(channel.guild.id)
        self._messages.setdefault(channel_id, []).append(message)
        return message

    def _find_message(self, message_id: int) -> dict | None:
        for messages in self._messages.values():
            for m in messages:
                if int(m["id"]) == message_id:
                    return m
        return None

    def _edit(self, message: dict, body: dict) -> dict:
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        message["edited_timestamp"] = now_iso()
        return message

    async def _post_message(self, request, body, channel_id):
        cid = int(channel_id)
        queue = self._failures.get(cid)
        if queue:
            status = queue[0]
            if len(queue) == 1 or queue[1] != -1:
                queue.pop(0)
            if status == 429:
                wait = self._retry_after
                return self._json({"message": "You are being rate limited.", "retry_after": wait, "global": False}, 429,
                                  # discord.py reads a 429 without Via as a Cloudflare ban, not a rate limit.
                                  {"Retry-After": str(wait), "X-RateLimit-Scope": "user", "Via": "1.1 google"})
            codes = {403: 50013, 404: 10003}
            return self._json({"message": "fake failure", "code": codes.get(status, 0)}, status)
        if cid not in self.channels and cid not in self._dm_channels.values():
            return self._json({"message": "Unknown Channel", "code": 10003}, 404)
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):  # Discord answers a repeated nonce with the first message
            for existing in self._messages.get(cid, []):
                if existing.get("nonce") == nonce:
                    return self._json(existing)
        self._check(limits.check_limits("message", _without_files(body)), "channel message")
        return self._json(self._new_message(cid, body))

    async def _patch_message(self, request, body, channel_id, message_id):
        message = self._find_message(int(message_id))
        if message is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        self._check(limits.check_limits("message_edit", _without_files(body)), "message edit")
        return self._json(self._edit(message, body))

    async def _get_message(self, request, body, channel_id, message_id):
        message = self._find_message(int(message_id))
        if message is None or message["channel_id"] != channel_id:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        return self._json(message)

    async def _delete_message(self, request, body, channel_id, message_id):
        message = self._find_message(int(message_id))
        if message is None or message["channel_id"] != channel_id:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        self._messages[int(channel_id)].remove(message)
        return web.Response(status=204)

    async def _callback(self, request, body, interaction_id, token):
        pending = self._pending.get(token)
        if pending is None:
            return self._json({"message": "Unknown interaction", "code": 10062}, 404)
        if pending.reply is not None:
            return self._json({"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
        kind = body["type"]
        data = body.get("data") or {}
        self._check(limits.check_limits("callback", _without_files(body)), f"callback type {kind}")
        message = None
        if kind == 4:
            message = self._new_message(pending.channel_id, data, interaction=True)
            pending.original = message
        elif kind == 5:
            message = self._new_message(pending.channel_id, {"flags": data.get("flags", 0)}, interaction=True)
            pending.original = message
            pending.loading = True
        elif kind == 7 and pending.original is not None:
            message = self._edit(pending.original, data)
        pending.reply = Reply(kind, data, message)
        if kind not in (5, 6):
            pending.done.set()
        resource: dict = {"type": kind}
        if message is not None:
            resource["message"] = message
        return self._json({
            "interaction": {"id": str(pending.id), "type": pending.kind, "response_message_id": message["id"] if message else None,
                            "response_message_loading": kind == 5, "response_message_ephemeral":
                            bool(int((message or {}).get("flags") or 0) & EPHEMERAL), "activity_instance_id": None},
            "resource": resource,
        })

    async def _webhook_original(self, request, body, app_id, token):
        pending = self._pending.get(token)
        if pending is None or pending.original is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        if request.method == "GET":
            return self._json(pending.original)
        if request.method == "DELETE":
            self._messages[pending.channel_id].remove(pending.original)
            return web.Response(status=204)
        self._check(limits.check_limits("webhook_edit", _without_files(body)), "edit original")
        message = self._edit(pending.original, body)
        pending.loading = False
        if pending.reply is not None and pending.reply.type in (5, 6):
            pending.reply = Reply(pending.reply.type, body, message)
            pending.done.set()
        return self._json(message)

    async def _webhook_message(self, request, body, app_id, token, message_id):
        message = self._find_message(int(message_id))
        if message is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        if request.method == "GET":
            return self._json(message)
        if request.method == "DELETE":
            self._messages[int(message["channel_id"])].remove(message)
            return web.Response(status=204)
        self._check(limits.check_limits("webhook_edit", _without_files(body)), "edit followup")
        return self._json(self._edit(message, body))

    async def _followup(self, request, body, app_id, token):
        pending = self._pending.get(token)
        if pending is None:
            return self._json({"message": "Unknown Webhook", "code": 10015}, 404)
        self._check(limits.check_limits("followup", _without_files(body)), "followup")
        if pending.loading and pending.original is not None:
            # Discord's first followup after a type-5 defer fills the "thinking" message, keeping its flags.
            message = self._edit(pending.original, body)
            pending.loading = False
        else:
            message = self._new_message(pending.channel_id, body, interaction=True)
        pending.followups.append(message)
        if pending.reply is not None and pending.reply.type in (5, 6):
            pending.reply = Reply(pending.reply.type, body, message)
        pending.done.set()
        return self._json(message)

    _routes: ClassVar[list] = [
        ("GET", r"/users/@me", _me),
        ("POST", r"/users/@me/channels", _open_dm),
        ("GET", r"/users/(\d+)", _get_user),
        ("GET", r"/oauth2/applications/@me", _application),
        ("PUT", r"/applications/(\d+)/commands", _put_commands),
        ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", _put_guild_commands),
        ("GET", r"/channels/(\d+)", _get_channel),
        ("POST", r"/channels/(\d+)/messages", _post_message),
        ("PATCH", r"/channels/(\d+)/messages/(\d+)", _patch_message),
        ("GET", r"/channels/(\d+)/messages/(\d+)", _get_message),
        ("DELETE", r"/channels/(\d+)/messages/(\d+)", _delete_message),
        ("POST", r"/interactions/(\d+)/([^/]+)/callback", _callback),
        ("GET", r"/webhooks/(\d+)/([^/]+)/messages/@original", _webhook_original),
        ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", _webhook_original),
        ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/@original", _webhook_original),
        ("GET", r"/webhooks/(\d+)/([^/]+)/messages/(\d+)", _webhook_message),
        ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/(\d+)", _webhook_message),
        ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/(\d+)", _webhook_message),
        ("POST", r"/webhooks/(\d+)/([^/]+)", _followup),
    ]

    # --- users acting ----------------------------------------------------------------
    def _command(self, guild: Guild, name: str) -> dict:
        for command in self._commands.get(guild.id, []) + self._commands.get(None, []):
            if command["name"] == name:
                return command
        raise AssertionError(f"/{name} was never synced to Discord")

    def _interaction(self, kind: int, guild: Guild, member: Member, channel: Channel | None, data: dict,
                     locale: str, message: dict | None = None) -> tuple[dict, _Pending]:
        channel = channel or next(iter(guild.channels.values()), None) or guild.add_text_channel("general")
        interaction_id = snowflake()
        token = f"token-{interaction_id}"
        pending = _Pending(interaction_id, token, channel.id, kind)
        self._pending[token] = pending
        payload = {
            "id": str(interaction_id), "application_id": str(self.app_id), "type": kind, "token": token, "version": 1,
            "guild_id": str(guild.id), "channel_id": str(channel.id), "channel": channel.payload(),
            "member": member.payload(), "app_permissions": str(BOT_PERMISSIONS), "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)}, "context": 0,
            "attachment_size_limit": 26214400, "locale": locale, "guild_locale": "zh-CN", "data": data,
        }
        if message is not None:
            payload["message"] = message
            pending.original = message
        return payload, pending

    async def _send(self, payload: dict, pending: _Pending, timeout: float) -> Reply:
        await self._dispatch("INTERACTION_CREATE", payload)
        try:
            await asyncio.wait_for(pending.done.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not answer interaction type {payload['type']} in {timeout}s") from None
        assert pending.reply is not None
        return pending.reply

    def _options(self, spec_options: list[dict], values: dict[str, Any], resolved: dict, guild: Guild) -> list[dict]:
        out = []
        for name, value in values.items():
            if value is None:  # an optional option left empty is simply not sent
                continue
            spec = next((o for o in spec_options if o["name"] == name), None)
            if spec is None:
                raise AssertionError(f"no option {name!r}; the command has {[o['name'] for o in spec_options]}")
            if isinstance(value, Channel):
                resolved.setdefault("channels", {})[str(value.id)] = {**value.payload(), "permissions": str(BOT_PERMISSIONS)}
                value = str(value.id)
            elif isinstance(value, Member):  # a user or mentionable option
                resolved.setdefault("users", {})[str(value.id)] = value.user.payload()
                member = value.payload()
                member.pop("user")
                resolved.setdefault("members", {})[str(value.id)] = member
                value = str(value.id)
            elif spec and spec["type"] == 8:  # a role, given by id
                resolved.setdefault("roles", {})[str(value)] = guild.roles[value]
                value = str(value)
            elif isinstance(value, Attachment):
                resolved.setdefault("attachments", {})[str(value.id)] = value.payload(self)
                value = str(value.id)
            out.append({"name": name, "type": spec["type"], "value": value})
        return out

    def _command_data(self, guild: Guild, path: str, values: dict[str, Any], focused: str | None = None) -> dict:
        names = path.split()
        command = self._command(guild, names[0])
        resolved: dict = {}
        node, container = command, None
        data = {"id": command["id"], "name": names[0], "type": 1, "guild_id": str(guild.id)}
        top: list[dict] = []
        container = top
        for sub in names[1:]:
            node = next(o for o in node.get("options", []) if o["name"] == sub)
            entry = {"name": sub, "type": node["type"], "options": []}
            container.append(entry)
            container = entry["options"]
        options = self._options(node.get("options", []), values, resolved, guild)
        for option in options:
            if option["name"] == focused:
                option["focused"] = True
        if focused is None:  # a slash command as the Discord client would let a user send it
            _check_typed_options(path, node.get("options", []), options)
        container.extend(options)
        data["options"] = top
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(self, guild: Guild, member: Member, path: str, *, where: Channel | None = None,
                    locale: str = "zh-CN", timeout: float = 5, **options: Any) -> Reply:
        """Run /path with options as `member`, typed in channel `where` (default: the first)."""
        data = self._command_data(guild, path, options)
        payload, pending = self._interaction(2, guild, member, where, data, locale)
        return await self._send(payload, pending, timeout)

    async def autocomplete(self, guild: Guild, member: Member, path: str, option: str, value: str, *,
                           locale: str = "zh-CN", **others: Any) -> list[dict]:
        data = self._command_data(guild, path, {**others, option: value}, focused=option)
        payload, pending = self._interaction(4, guild, member, None, data, locale)
        reply = await self._send(payload, pending, 3)  # Discord gives up after 3 seconds
        assert reply.type == 8, f"autocomplete answered with type {reply.type}"
        return reply.choices

    async def click(self, message: dict, member: Member, *, custom_id: str | None = None, label: str | None = None,
                    locale: str = "zh-CN") -> Reply:
        buttons = [c for row in message.get("components", []) for c in row.get("components", []) if c.get("type") == 2]
        button = next((b for b in buttons if b.get("custom_id") == custom_id or (label and b.get("label") == label)), None)
        if button is None:
            raise AssertionError(f"no button {custom_id or label!r} among {[b.get('label') for b in buttons]}")
        if button.get("disabled"):
            raise AssertionError(f"button {button.get('label')!r} is disabled")
        channel = self.channels[int(message["channel_id"])]
        data = {"custom_id": button["custom_id"], "component_type": 2}
        payload, pending = self._interaction(3, channel.guild, member, channel, data, locale, message=message)
        return await self._send(payload, pending, 5)

    async def select(self, message: dict, member: Member, values: list[str], *, locale: str = "zh-CN") -> Reply:
        """Pick options in the first select menu of a message."""
        menus = [c for row in message.get("components", []) for c in row.get("components", []) if c.get("type") == 3]
        if not menus:
            raise AssertionError("the message has no select menu")
        menu = menus[0]
        offered = {o["value"] for o in menu.get("options", [])}
        assert set(values) <= offered, f"{values} not among {offered}"
        channel = self.channels[int(message["channel_id"])]
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": values}
        payload, pending = self._interaction(3, channel.guild, member, channel, data, locale, message=message)
        return await self._send(payload, pending, 5)

    async def submit_modal(self, modal: Reply, member: Member, values: dict[str, str | list[str]], *,
                           guild: Guild | None = None, locale: str = "zh-CN") -> Reply:
        """Fill in and submit the modal the bot opened (a type-9 reply); values by input custom_id.

        A text input takes a string, a select inside a label a list of option values. Like the
        Discord client, this refuses to submit an empty required input or a text of the wrong length.
        """
        assert modal.type == 9, f"expected a modal (type 9), got type {modal.type}"
        known = {c.get("custom_id") for c in _modal_inputs(modal.data)}
        unknown = set(values) - known
        assert not unknown, f"the modal has no inputs {sorted(unknown)}; it has {sorted(known)}"
        rows = []
        for row in modal.data.get("components", []):
            if row.get("type") == 18:  # label wrapping one input
                rows.append({"type": 18, "component": _submitted(row["component"], values)})
            elif row.get("type") == 1:
                rows.append({"type": 1, "components": [_submitted(c, values) for c in row.get("components", [])]})
        guild = guild or member.guild
        data = {"custom_id": modal.data["custom_id"], "components": rows}
        payload, pending = self._interaction(5, guild, member, None, data, locale)
        return await self._send(payload, pending, 5)


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.support.fake_discord --port N`: a standalone fake for a bot in another process."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on stdout)")
    parser.add_argument("--guild", default="炼丹测试服", help="name of the one server")
    parser.add_argument("--channel", action="append", help="text channel name (repeatable; default: general)")
    args = parser.parse_args(argv)

    async def serve() -> None:
        from tests.support.control import describe

        fake = FakeDiscord()
        guild = fake.add_guild(args.guild)
        for name in args.channel or ["general"]:
            guild.add_text_channel(name)
        admins = guild.add_role("服主", ADMINISTRATOR)
        mods = guild.add_role("版主", MANAGE_GUILD)
        guild.add_member("小白")
        guild.add_member("版主", roles=[mods])
        guild.add_member("服主", roles=[admins])
        await fake.start(args.port, patch_discord=False)
        print(json.dumps({"api_base": fake.api_base, "gateway_url": fake.gateway_url,
                          "control": f"http://127.0.0.1:{fake.port}/_fake", **describe(fake)}, ensure_ascii=False),
              flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await fake.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
