"""The simulated Discord's network side on 127.0.0.1: the REST API and the gateway websocket.

discord.py's real HTTP and WebSocket code talks to it. Every body the bot sends is checked
against Discord's limits (and official schema, see tests/support/limits.py) and a violation is
recorded in `violations`; a route the server does not model is recorded in `unhandled`.
`fail_channel` makes posts to a channel fail the way Discord's do, `fail_interactions` the bot's
answers to interactions; `drop_gateway` cuts the gateway connection, which the bot then resumes
(events sent meanwhile are replayed) or, if the server refuses, re-identifies.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

import discord
import yarl
from aiohttp import WSMsgType, web

from tests.support import limits
from tests.support.discord_model import (
    CHANNEL_MESSAGE,
    DEFERRED,
    DEFERRED_CHANNEL_MESSAGE,
    DM_CHANNEL,
    EPHEMERAL,
    MESSAGE_UPDATE,
    DiscordState,
    Reply,
)


def point_discord_py_at(api_base: str, gateway_url: str | yarl.URL) -> tuple[str, yarl.URL]:
    """Send this process's discord.py REST and gateway traffic elsewhere; returns the old pair to restore."""
    old = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway_url))
    return old


class Request(NamedTuple):
    """One REST call the bot made; indexable as (method, path, body, query)."""

    method: str
    path: str
    body: Any
    query: dict[str, str]


def _without_files(body: Any) -> Any:
    """The JSON part of a body, without the server's own note of which files were uploaded."""
    if isinstance(body, dict) and "_files" in body:
        return {k: v for k, v in body.items() if k != "_files"}
    return body


def _json(data: Any, status: int = 200, headers: dict | None = None) -> web.Response:
    # Exactly application/json: discord.py reads a charset suffix as text.
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json",
                        headers=headers)


def _error(message: str, code: int, status: int = 404) -> web.Response:
    return _json({"message": message, "code": code}, status)


def _missing_access() -> web.Response:
    """What Discord answers the bot's own calls to a channel in a server that never added it."""
    return _error("Missing Access", 50001, 403)


async def _read_body(request: web.Request) -> Any:
    """JSON, or a multipart upload's payload_json with a note of the uploaded files' names."""
    if not request.can_read_body:
        return None
    if request.content_type == "application/json":
        return await request.json()
    if not request.content_type.startswith("multipart/"):
        return None
    form = await request.post()
    body = json.loads(form["payload_json"]) if "payload_json" in form else {}
    # discord.py names uploads by index (0, 1, …), which Discord accepts; the OpenAPI
    # spec types attachment ids as snowflake strings, so compare like with like.
    for holder in (body, body.get("data") or {}):
        for attachment in holder.get("attachments") or []:
            attachment["id"] = str(attachment["id"])
    body["_files"] = [k for k in form if k != "payload_json"]
    return body


class DiscordServer:
    """Serves a DiscordState over HTTP and a gateway websocket; one bot connects at a time."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.unhandled: list[str] = []  # routes the bot called that this server does not model
        self.identified = asyncio.Event()  # set once a bot has identified and been sent its guilds
        self.port = 0
        self._failures: dict[int, list[int]] = {}  # channel → statuses to answer with, in order (-1 = forever)
        self._callback_failures: list[int] = []  # statuses for the next interaction callbacks, in order
        self._processed_anyway = False
        self._retry_after = 0.01
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        # Sharded bots (identify with a shard count above 1): one connection per shard, no resume modelled.
        self._shards: dict[int, tuple[web.WebSocketResponse, int]] = {}  # shard id → (connection, shard count)
        self.moved: dict[int, int] = {}  # guild id → shard its events go to instead (a reshard or failover)
        self._session: str | None = None  # the bot's gateway session, while it may still resume
        self._missed: list[dict] = []  # events sent while the bot was disconnected, replayed on resume
        self._refuse_resume = False
        self._resuming = False  # the connection dropped mid-session and the bot has not resumed yet
        self.identifies = 0  # IDENTIFYs received (a fresh session each)
        self.resumes = 0  # RESUMEs accepted
        self.replayed = 0  # events sent while the bot was away and replayed to it on RESUME
        self._runner: web.AppRunner | None = None

    # --- lifecycle -----------------------------------------------------------------
    async def start(self, port: int = 0, *, add_routes: Callable[[web.Application], None] | None = None) -> None:
        """Listen on 127.0.0.1:port (0: any free port); `add_routes` may add more routes to the app first."""
        app = web.Application()
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        if add_routes is not None:
            add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- what the server saw ---------------------------------------------------------
    def problems(self) -> list[str]:
        """Limit/schema violations plus calls to routes this server does not model."""
        return self.violations + [f"unmodelled route {r}" for r in self.unhandled]

    def assert_clean(self) -> None:
        """Fail when the bot sent anything Discord would reject or called a route the server lacks."""
        problems = self.problems()
        assert not problems, "the bot sent bodies Discord would reject:\n" + "\n".join(problems)

    def _check(self, problems: list[str], where: str) -> None:
        self.violations += [f"{where}: {p}" for p in problems]

    # --- failure injection -------------------------------------------------------------
    def fail_channel(self, channel_id: int, status: int, times: int = -1, *, retry_after: float = 0.01) -> None:
        """Answer the next `times` posts to this channel with `status` (-1: until cleared).

        403 is Missing Permissions (50013), 404 Unknown Channel (10003), 429 a rate limit that
        discord.py sleeps `retry_after` seconds on and retries, 500/502 a server error that
        discord.py retries after 1 s, 503 one it gives up on at once.
        """
        self._retry_after = retry_after
        self._failures[channel_id] = [status] * times if times > 0 else [status, -1]

    def clear_failures(self, channel_id: int) -> None:
        self._failures.pop(channel_id, None)

    def fail_interactions(self, *statuses: int, retry_after: float = 0.01, processed: bool = False) -> None:
        """Answer the bot's next interaction callbacks (its first reply to a command, button or form)
        with these statuses, one each, in order; then as usual. discord.py retries a 5xx after 1 s and
        a 429 after `retry_after`. Normally nothing was processed; with `processed` the reply did go
        through each time and only the status the bot sees is a failure (then a retry meets 40060)."""
        self._retry_after = retry_after
        self._callback_failures = list(statuses)
        self._processed_anyway = processed

    def _injected_failure(self, channel_id: int) -> web.Response | None:
        """The failure planned for this post to the channel, if any, using it up."""
        queue = self._failures.get(channel_id)
        if not queue:
            return None
        status = queue[0]
        if len(queue) == 1 or queue[1] != -1:
            queue.pop(0)
        return self._failure(status)

    def _failure(self, status: int) -> web.Response:
        if status == 429:
            wait = self._retry_after
            return _json({"message": "You are being rate limited.", "retry_after": wait, "global": False}, 429,
                         # discord.py reads a 429 without Via as a Cloudflare ban, not a rate limit.
                         {"Retry-After": str(wait), "X-RateLimit-Scope": "user", "Via": "1.1 google"})
        codes = {403: 50013, 404: 10003}
        return _json({"message": "fake failure", "code": codes.get(status, 0)}, status)

    # --- gateway -------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    def shards_connected(self) -> set[int]:
        return {sid for sid, (ws, _) in self._shards.items() if not ws.closed}

    def _shard_socket(self, event: str, data: dict) -> web.WebSocketResponse | None:
        """As Discord routes: a server's events go to shard (guild_id >> 22) % shard_count, the rest to shard 0."""
        guild = data.get("guild_id") or (data.get("id") if event.startswith("GUILD_") else None)
        if guild and int(guild) in self.moved and self.moved[int(guild)] in self._shards:
            return self._shards[self.moved[int(guild)]][0]
        for sid, (ws, count) in self._shards.items():
            if not ws.closed and ((int(guild) >> 22) % count == sid if guild else sid == 0):
                return ws
        return None

    async def dispatch(self, event: str, data: dict) -> None:
        """Send the connected bot one gateway event; while it is away mid-session, keep it for the resume.
        With sharded connections, the event goes to the shard that owns its server."""
        if self._shards:
            ws = self._shard_socket(event, data)
            assert ws is not None, "no connected shard owns this event"
            self._seq += 1
            await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})
            return
        self._seq += 1
        payload = {"op": 0, "t": event, "s": self._seq, "d": data}
        if self._session is not None and (self._ws is None or self._resuming):
            self._missed.append(payload)
            return
        assert self._ws is not None, "the bot is not connected"
        await self._ws.send_json(payload)

    async def close_gateway(self) -> None:
        """The bot stopped: its session ends."""
        self._session = None
        self._missed = []
        for ws, _ in list(self._shards.values()):
            await ws.close()
        self._shards.clear()
        await self.drop_gateway()

    async def drop_gateway(self, *, code: int = 4000, resumable: bool = True) -> None:
        """Cut the bot's gateway connection (4000: Discord's "unknown error, reconnect"). discord.py
        reconnects at once and RESUMEs; events sent meanwhile are replayed then. With `resumable`
        False the server answers the RESUME with INVALID_SESSION, so the bot IDENTIFYs afresh."""
        self._refuse_resume = not resumable
        self._resuming = self._session is not None
        if not resumable:
            self.identified = asyncio.Event()
        ws, self._ws = self._ws, None  # cleared first: the bot may reconnect before close() returns
        if ws is not None:
            await ws.close(code=code)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            message = json.loads(msg.data)
            op = message.get("op")
            if op == 1:  # heartbeat
                await ws.send_json({"op": 11})
            elif op == 2 and (message["d"].get("shard") or (0, 1))[1] > 1:  # identify as one of several shards
                shard_id, count = message["d"]["shard"]
                self._shards[shard_id] = (ws, count)
                await self._ready_shard(ws, shard_id, count)
            elif op == 2:  # identify
                await self._ready()
            elif op == 6:  # resume
                await self._resume(ws, message["d"])
        return ws

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> None:
        self._resuming = False
        if self._refuse_resume or data.get("session_id") != self._session:
            self._session, self._missed = None, []
            await ws.send_json({"op": 9, "d": False})  # INVALID_SESSION, not resumable
            return
        missed, self._missed = self._missed, []
        for payload in missed:
            await ws.send_json(payload)
        self.replayed += len(missed)
        self.resumes += 1
        await self.dispatch("RESUMED", {})

    async def _ready_shard(self, ws: web.WebSocketResponse, shard_id: int, count: int) -> None:
        """READY and GUILD_CREATE for the servers on this shard only."""
        state = self.state
        mine = [g for g in state.guilds.values() if g.bot_installed and (g.id >> 22) % count == shard_id]

        async def send(event: str, data: dict) -> None:
            self._seq += 1
            await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

        await send("READY", {
            "v": 10, "user": state.bot_user.payload(), "session_id": f"fake-shard-{shard_id}",
            "resume_gateway_url": self.gateway_url, "guilds": [{"id": str(g.id), "unavailable": True} for g in mine],
            "application": {"id": str(state.app_id), "flags": 0}, "private_channels": [], "relationships": [],
            "shard": [shard_id, count],
        })
        for guild in mine:
            await send("GUILD_CREATE", guild.payload())
        self.identified.set()

    async def _ready(self) -> None:
        state = self.state
        self.identifies += 1
        self._session, self._missed, self._seq = f"fake-session-{self.identifies}", [], 0
        self._resuming = False
        joined = [g for g in state.guilds.values() if g.bot_installed]  # the bot hears nothing of the others
        await self.dispatch("READY", {
            "v": 10, "user": state.bot_user.payload(), "session_id": self._session,
            "resume_gateway_url": self.gateway_url, "guilds": [{"id": str(g.id), "unavailable": True} for g in joined],
            "application": {"id": str(state.app_id), "flags": 0}, "private_channels": [], "relationships": [],
        })
        for guild in joined:
            await self.dispatch("GUILD_CREATE", guild.payload())
        self.identified.set()

    # --- REST ----------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await _read_body(request)
        self.requests.append(Request(request.method, path, body, dict(request.query)))
        for method, pattern, handler in self._routes:
            if method == request.method:
                match = re.fullmatch(pattern, path)
                if match:
                    return await handler(self, request, body, *match.groups())
        self.unhandled.append(f"{request.method} {path}")
        return _json({"message": f"fake Discord has no route {request.method} {path}", "code": 0}, 404)

    def _denied(self, channel_id: int) -> bool:
        """A channel that exists but that the bot itself cannot reach (a server without it, a group DM)."""
        known = channel_id in self.state.channels or channel_id in self.state.private_channels
        return known and not self.state.bot_can_access(channel_id)

    async def _attachment(self, request: web.Request) -> web.Response:
        item = self.state.attachments.get(int(request.match_info["id"]))
        if item is None:
            return web.Response(status=404)
        return web.Response(body=item.data, content_type="application/octet-stream")

    async def _get_user(self, request, body, user_id):
        user = self.state.user(int(user_id))
        if user is None:
            return _error("Unknown User", 10013)
        return _json(user.payload())

    async def _open_dm(self, request, body):
        user = self.state.user(int(body["recipient_id"]))
        if user is None:
            return _error("Unknown User", 10013)
        channel_id = self.state.dm_channel(user)
        return _json({"id": str(channel_id), "type": DM_CHANNEL, "recipients": [user.payload()], "last_message_id": None})

    async def _gateway_bot(self, request, body):
        return _json({"url": self.gateway_url, "shards": 1,
                      "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})

    async def _me(self, request, body):
        return _json(self.state.bot_user.payload())

    async def _application(self, request, body):
        return _json({"id": str(self.state.app_id), "name": "炼丹词典", "description": "", "icon": None,
                      "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
                      "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
                      "flags": 0})

    async def _put_commands(self, request, body, app_id, guild_id=None):
        self._check(limits.check_limits("commands", body), "command sync")
        return _json(self.state.store_commands(int(guild_id) if guild_id else None, body))

    async def _put_guild_commands(self, request, body, app_id, guild_id):
        return await self._put_commands(request, body, app_id, guild_id)

    async def _get_channel(self, request, body, channel_id):
        channel = self.state.channels.get(int(channel_id))
        if channel is None:
            return _error("Unknown Channel", 10003)
        if not self.state.bot_can_access(channel.id):
            return _missing_access()
        return _json(channel.payload())

    async def _post_message(self, request, body, channel_id):
        cid = int(channel_id)
        failure = self._injected_failure(cid)
        if failure is not None:
            return failure
        if not self.state.can_receive(cid):
            return _error("Unknown Channel", 10003)
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):  # Discord answers a repeated nonce with the first message
            for existing in self.state.messages.get(cid, []):
                if existing.get("nonce") == nonce:
                    return _json(existing)
        self._check(limits.check_limits("message", _without_files(body)), "channel message")
        return _json(self.state.new_message(cid, body))

    async def _patch_message(self, request, body, channel_id, message_id):
        if self._denied(int(channel_id)):
            return _missing_access()
        message = self.state.find_message(int(message_id))
        if message is None:
            return _error("Unknown Message", 10008)
        self._check(limits.check_limits("message_edit", _without_files(body)), "message edit")
        return _json(self.state.edit_message(message, body))

    async def _get_message(self, request, body, channel_id, message_id):
        if self._denied(int(channel_id)):
            return _missing_access()
        message = self.state.find_message(int(message_id))
        if message is None or message["channel_id"] != channel_id:
            return _error("Unknown Message", 10008)
        return _json(message)

    async def _delete_message(self, request, body, channel_id, message_id):
        if self._denied(int(channel_id)):
            return _missing_access()
        message = self.state.find_message(int(message_id))
        if message is None or message["channel_id"] != channel_id:
            return _error("Unknown Message", 10008)
        self.state.messages[int(channel_id)].remove(message)
        return web.Response(status=204)

    # --- interactions ----------------------------------------------------------------
    async def _callback(self, request, body, interaction_id, token):
        if self._callback_failures:
            status = self._callback_failures.pop(0)
            if self._processed_anyway:  # the reply went through; only the answer to the bot was lost
                await self._answer_callback(request, body, interaction_id, token)
            return self._failure(status)
        return await self._answer_callback(request, body, interaction_id, token)

    async def _answer_callback(self, request, body, interaction_id, token):
        pending = self.state.interactions.get(token)
        if pending is None:
            return _error("Unknown interaction", 10062)
        if pending.reply is not None:
            return _error("Interaction has already been acknowledged.", 40060, 400)
        kind = body["type"]
        data = body.get("data") or {}
        self._check(limits.check_limits("callback", _without_files(body)), f"callback type {kind}")
        message = None
        if kind == CHANNEL_MESSAGE:
            message = self.state.new_message(pending.channel_id, data, interaction=True)
            pending.original = message
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            message = self.state.new_message(pending.channel_id, {"flags": data.get("flags", 0)}, interaction=True)
            pending.original = message
            pending.loading = True
        elif kind == MESSAGE_UPDATE and pending.original is not None:
            message = self.state.edit_message(pending.original, data)
        pending.reply = Reply(kind, data, message)
        if kind not in DEFERRED:
            pending.done.set()
        resource: dict = {"type": kind}
        if message is not None:
            resource["message"] = message
        return _json({
            "interaction": {"id": str(pending.id), "type": pending.kind, "response_message_id": message["id"] if message else None,
                            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE, "response_message_ephemeral":
                            bool(int((message or {}).get("flags") or 0) & EPHEMERAL), "activity_instance_id": None},
            "resource": resource,
        })

    async def _webhook_original(self, request, body, app_id, token):
        pending = self.state.interactions.get(token)
        if pending is None or pending.original is None:
            return _error("Unknown Message", 10008)
        if request.method == "GET":
            return _json(pending.original)
        if request.method == "DELETE":
            self.state.messages[pending.channel_id].remove(pending.original)
            if pending.reply is not None and pending.reply.type in DEFERRED:  # e.g. a button that deletes its message
                pending.done.set()
            return web.Response(status=204)
        self._check(limits.check_limits("webhook_edit", _without_files(body)), "edit original")
        message = self.state.edit_message(pending.original, body)
        pending.loading = False
        if pending.reply is not None and pending.reply.type in DEFERRED:
            pending.reply = Reply(pending.reply.type, body, message)
            pending.done.set()
        return _json(message)

    async def _webhook_message(self, request, body, app_id, token, message_id):
        message = self.state.find_message(int(message_id))
        if message is None:
            return _error("Unknown Message", 10008)
        if request.method == "GET":
            return _json(message)
        if request.method == "DELETE":
            self.state.messages[int(message["channel_id"])].remove(message)
            return web.Response(status=204)
        self._check(limits.check_limits("webhook_edit", _without_files(body)), "edit followup")
        return _json(self.state.edit_message(message, body))

    async def _followup(self, request, body, app_id, token):
        pending = self.state.interactions.get(token)
        if pending is None:
            return _error("Unknown Webhook", 10015)
        self._check(limits.check_limits("followup", _without_files(body)), "followup")
        if pending.loading and pending.original is not None:
            # Discord's first followup after a DEFERRED_CHANNEL_MESSAGE fills the "thinking" message, keeping its flags.
            message = self.state.edit_message(pending.original, body)
            pending.loading = False
        else:
            message = self.state.new_message(pending.channel_id, body, interaction=True)
        pending.followups.append(message)
        if pending.reply is not None and pending.reply.type in DEFERRED:
            pending.reply = Reply(pending.reply.type, body, message)
        pending.done.set()
        return _json(message)

    _routes: ClassVar[list] = [
        ("GET", r"/gateway/bot", _gateway_bot),
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
