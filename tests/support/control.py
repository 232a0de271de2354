"""A small JSON API under /_fake/ for driving a fake Discord from outside its process.

It wraps the same calls tests make in-process (slash, autocomplete, click, submit_modal,
fail_channel) so a person or a script can poke a bot running against a standalone fake:

    curl -s localhost:PORT/_fake/state
    curl -s -XPOST localhost:PORT/_fake/slash -d '{"command": "define", "options": {"term": "炸炉"}}'

Members are named by id or name (default: the first member), channels given as option values
are written {"channel": id}, members as {"member": id or name}. The fake is duck-typed here on
purpose: under `python -m` the FakeDiscord class lives in __main__, not in tests.support.fake_discord.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from aiohttp import web


def describe(fake: Any) -> dict:
    """The simulated world: servers with their channels, roles and members, ids as strings."""
    return {"guilds": [{
        "id": str(g.id), "name": g.name,
        "channels": [{"id": str(c.id), "name": c.name} for c in g.channels.values()],
        "roles": [{"id": r["id"], "name": r["name"], "permissions": r["permissions"]} for r in g.roles.values()],
        "members": [{"id": str(m.id), "name": m.user.name, "permissions": str(m.effective_permissions)}
                    for m in g.members.values()],
    } for g in fake.guilds.values()]}


def add_control_routes(app: web.Application, fake: Any) -> None:
    replies: dict[int, Any] = {}
    ids = itertools.count(1)

    def reply_json(reply: Any) -> web.Response:
        number = next(ids)
        replies[number] = reply
        return _json({"id": number, "type": reply.type, "data": reply.data, "message": reply.message,
                      "ephemeral": reply.ephemeral, "content": reply.content, "embeds": reply.embeds,
                      "components": reply.components})

    def guild_of(body: dict) -> Any:
        if "guild" in body:
            return fake.guilds[int(body["guild"])]
        return next(iter(fake.guilds.values()))

    def member_of(guild: Any, who: Any) -> Any:
        if who is None:
            return next(iter(guild.members.values()))
        for m in guild.members.values():
            if str(m.id) == str(who) or m.user.name == who:
                return m
        raise AssertionError(f"no member {who!r}")

    def option_values(guild: Any, options: dict) -> dict:
        out = {}
        for name, value in options.items():
            if isinstance(value, dict) and "channel" in value:
                value = fake.channels[int(value["channel"])]
            elif isinstance(value, dict) and "member" in value:
                value = member_of(guild, value["member"])
            out[name] = value
        return out

    async def state(request: web.Request) -> web.Response:
        return _json(describe(fake))

    async def commands(request: web.Request) -> web.Response:
        guild_id = request.query.get("guild_id")
        return _json(fake.commands(int(guild_id) if guild_id else None))

    async def messages(request: web.Request) -> web.Response:
        return _json(fake.messages(int(request.match_info["channel_id"])))

    async def requests(request: web.Request) -> web.Response:
        return _json([r._asdict() for r in fake.requests])

    async def violations(request: web.Request) -> web.Response:
        return _json(fake.problems())

    async def slash(body: dict) -> web.Response:
        guild = guild_of(body)
        where = fake.channels[int(body["channel"])] if "channel" in body else None
        reply = await fake.slash(guild, member_of(guild, body.get("member")), body["command"], where=where,
                                 locale=body.get("locale", "zh-CN"), **option_values(guild, body.get("options", {})))
        return reply_json(reply)

    async def autocomplete(body: dict) -> web.Response:
        guild = guild_of(body)
        choices = await fake.autocomplete(guild, member_of(guild, body.get("member")), body["command"], body["option"],
                                          body.get("value", ""), locale=body.get("locale", "zh-CN"),
                                          **option_values(guild, body.get("options", {})))
        return _json(choices)

    async def click(body: dict) -> web.Response:
        message = fake.message(body["message_id"])
        if message is None:
            raise AssertionError(f"no message {body['message_id']}")
        guild = fake.channels[int(message["channel_id"])].guild
        reply = await fake.click(message, member_of(guild, body.get("member")), custom_id=body.get("custom_id"),
                                 label=body.get("label"), locale=body.get("locale", "zh-CN"))
        return reply_json(reply)

    async def submit_modal(body: dict) -> web.Response:
        modal = replies[int(body["reply_id"])]
        guild = guild_of(body)
        reply = await fake.submit_modal(modal, member_of(guild, body.get("member")), body.get("values", {}),
                                        guild=guild, locale=body.get("locale", "zh-CN"))
        return reply_json(reply)

    async def fail_channel(body: dict) -> web.Response:
        fake.fail_channel(int(body["channel_id"]), int(body["status"]), int(body.get("times", -1)))
        return _json({"ok": True})

    def post(handler: Any) -> Any:
        async def wrapped(request: web.Request) -> web.Response:
            try:
                return await handler(await request.json())
            except (AssertionError, KeyError, ValueError) as error:
                return _json({"error": f"{type(error).__name__}: {error}"}, 400)

        return wrapped

    app.router.add_get("/_fake/state", state)
    app.router.add_get("/_fake/commands", commands)
    app.router.add_get("/_fake/messages/{channel_id}", messages)
    app.router.add_get("/_fake/requests", requests)
    app.router.add_get("/_fake/violations", violations)
    for name, handler in [("slash", slash), ("autocomplete", autocomplete), ("click", click),
                          ("submit_modal", submit_modal), ("fail_channel", fail_channel)]:
        app.router.add_post(f"/_fake/{name}", post(handler))


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")
