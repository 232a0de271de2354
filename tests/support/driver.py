"""What a test does with the simulated Discord: run a bot against it, act as people in a server
(slash commands, autocomplete, button clicks, select menus, modal submissions) and read back
what the bot posted.

Like the Discord client, the driver refuses what a person could not do: an option that is not
there or not among the choices, a disabled button, an empty required input.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import discord

from tests.support.discord_model import (
    ACTION_ROW,
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    BOT_PERMISSIONS,
    BUTTON,
    COMPONENT,
    DEFAULT_MESSAGE,
    GUILD_CONTEXT,
    GUILD_INSTALL,
    LABEL,
    MESSAGE_COMMAND,
    MODAL,
    MODAL_SUBMIT,
    PRIVATE_APP_PERMISSIONS,
    SELECT,
    TEXT_INPUT,
    USER_INSTALL,
    Attachment,
    Channel,
    DiscordState,
    Guild,
    Member,
    PendingInteraction,
    PrivateChannel,
    Reply,
    User,
    snowflake,
)
from tests.support.discord_server import DiscordServer


def _modal_inputs(modal: dict) -> list[dict]:
    out = []
    for row in modal.get("components", []):
        out += [row["component"]] if row.get("type") == LABEL else row.get("components", [])
    return out


def _submitted(component: dict, values: dict[str, str | list[str]]) -> dict:
    """One input as the Discord client submits it, after checking what the client would check."""
    custom_id = component["custom_id"]
    value = values.get(custom_id)
    if component["type"] == TEXT_INPUT:
        text = value if isinstance(value, str) else (component.get("value") or "")
        if not text and component.get("required", True):
            raise AssertionError(f"text input {custom_id!r} is required")
        if text and not component.get("min_length", 0) <= len(text) <= component.get("max_length", 4000):
            raise AssertionError(f"text input {custom_id!r}: {len(text)} characters outside "
                                 f"{component.get('min_length', 0)}-{component.get('max_length', 4000)}")
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": text}
    chosen = list(value or [])
    if component["type"] == SELECT:
        offered = {o["value"] for o in component.get("options", [])}
        assert set(chosen) <= offered, f"{chosen} not among {sorted(offered)}"
    return {"type": component["type"], "custom_id": custom_id, "values": chosen}


_Option = discord.AppCommandOptionType
_OPTION_TYPES: dict[int, type | tuple[type, ...]] = {_Option.string.value: str, _Option.integer.value: int,
                                                     _Option.boolean.value: bool, _Option.number.value: (int, float)}
_GROUPS = (_Option.subcommand.value, _Option.subcommand_group.value)


def _check_typed_options(path: str, specs: list[dict], sent: list[dict]) -> None:
    """The Discord client refuses to send a command with a missing required option or an off-menu choice."""
    given = {o["name"]: o for o in sent}
    for spec in specs:
        if spec.get("type") in _GROUPS:
            continue
        option = given.get(spec["name"])
        if option is None:
            if spec.get("required"):
                raise AssertionError(f"/{path} needs option {spec['name']!r}")
            continue
        value = option["value"]
        wanted = _OPTION_TYPES.get(spec["type"])
        a_bool_for_a_number = spec["type"] != _Option.boolean.value and isinstance(value, bool)
        if wanted and (not isinstance(value, wanted) or a_bool_for_a_number):
            raise AssertionError(f"/{path} {spec['name']}: {value!r} is not a {wanted}")
        choices = [c["value"] for c in spec.get("choices") or []]
        if choices and value not in choices:
            raise AssertionError(f"/{path} {spec['name']}: {value!r} is not one of the choices {choices}")


def _check_reachable(command: dict, install: int, context: int) -> None:
    """The Discord client offers a command only where its integration_types and contexts allow."""
    installs = command.get("integration_types") or [GUILD_INSTALL]  # Discord's default for this app
    contexts = command.get("contexts")
    if install not in installs or (contexts is not None and context not in contexts):
        raise AssertionError(f"{command['name']!r} (integration_types {installs}, contexts {contexts}) is not "
                             f"offered through install {install} in context {context}")


def _buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components", []) for c in row.get("components", []) if c.get("type") == BUTTON]


def _select_menus(message: dict) -> list[dict]:
    return [c for row in message.get("components", []) for c in row.get("components", []) if c.get("type") == SELECT]


class Driver:
    """Drives a bot through the simulated Discord: `state` is the world, `server` what the bot talks to."""

    def __init__(self, state: DiscordState, server: DiscordServer) -> None:
        self.state = state
        self.server = server
        self.bot: discord.Client | None = None
        self._bot_task: asyncio.Task | None = None

    # --- the bot -------------------------------------------------------------------
    async def run_bot(self, bot: discord.Client, *, timeout: float = 15) -> None:
        """Start the bot against the server and wait until it is ready with commands synced."""
        bot._connection.guild_ready_timeout = 0.01  # no real guild to wait for
        self.bot = bot
        self.server.identified = asyncio.Event()
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
        await self.server.identified.wait()

    async def stop_bot(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._bot_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._bot_task, 5)
        self.bot = None
        self._bot_task = None
        await self.server.close_gateway()

    # --- the world -----------------------------------------------------------------
    def add_guild(self, name: str = "AI 绘画交流", *, bot_installed: bool = True,
                  shard: tuple[int, int] | None = None) -> Guild:
        """A server; with bot_installed=False the bot never hears of it and is reached there only
        through a member's own install of the app. `shard=(id, count)`: an id routed to that shard."""
        return self.state.add_guild(name, bot_installed=bot_installed, shard=shard)

    def add_user(self, name: str) -> User:
        """Someone the bot shares no server with (e.g. who installed the app for themselves)."""
        return self.state.add_user(name)

    def dm(self, user: User) -> PrivateChannel:
        """The user's DM with the bot."""
        return self.state.bot_dm(user)

    def group_dm(self, *users: User) -> PrivateChannel:
        """A group DM between people, without the bot."""
        return self.state.group_dm(*users)

    def post(self, author: Member | User, where: Channel | PrivateChannel, content: str = "",
             embeds: list[dict] | None = None) -> dict:
        """A message a person wrote in a channel (the bot hears nothing: it has no message intent)."""
        user = author.user if isinstance(author, Member) else author
        return self.state.post_as(user, where.id, content, embeds)

    def attachment(self, filename: str, data: bytes) -> Attachment:
        """A file a user can give to an Attachment option."""
        return self.state.add_attachment(filename, data)

    async def create_channel(self, guild: Guild, name: str, *, bot_can_post: bool = True) -> Channel:
        """A text channel made while the bot runs: the bot hears CHANNEL_CREATE (add_text_channel is for before)."""
        channel = guild.add_text_channel(name, bot_can_post=bot_can_post)
        await self._dispatch_and_wait("CHANNEL_CREATE", channel.payload(), "guild_channel_create", channel.id)
        return channel

    async def delete_channel(self, channel: Channel) -> None:
        """Someone deletes the channel: the bot hears CHANNEL_DELETE and every later call gets 404."""
        channel.guild.channels.pop(channel.id, None)
        self.state.channels.pop(channel.id, None)
        await self._dispatch_and_wait("CHANNEL_DELETE", channel.payload(), "guild_channel_delete", channel.id)

    async def remove_bot(self, guild: Guild) -> None:
        """The server kicks the bot: the bot hears GUILD_DELETE, and the server is gone from its READY."""
        self.state.guilds.pop(guild.id, None)
        await self._dispatch_and_wait("GUILD_DELETE", {"id": str(guild.id)}, "guild_remove", guild.id)

    async def invite_bot(self, guild: Guild) -> None:
        """The server adds the bot (again): the bot hears GUILD_CREATE for a server it was not in."""
        self.state.guilds[guild.id] = guild
        payload = guild.payload()
        del payload["unavailable"]  # as on a join: discord.py reads `"unavailable": false` as an outage ending
        await self._dispatch_and_wait("GUILD_CREATE", payload, "guild_join", guild.id)

    async def _dispatch_and_wait(self, event: str, data: dict, bot_event: str, object_id: int) -> None:
        """Send a gateway event; with the bot in this process, return once discord.py has handled it."""
        if not self.server.connected:
            return  # no bot connected: it will see the new state in GUILD_CREATE
        if self.bot is None:  # a bot in another process: nothing to wait on
            await self.server.dispatch(event, data)
            return
        heard = asyncio.ensure_future(self.bot.wait_for(bot_event, check=lambda o: o.id == object_id, timeout=5))
        await self.server.dispatch(event, data)
        await heard

    # --- what the bot sent ---------------------------------------------------------
    def messages(self, channel_id: int) -> list[dict]:
        return list(self.state.messages.get(channel_id, []))

    def message(self, message_id: int | str) -> dict | None:
        """A message the fake holds, by id, in any channel."""
        return self.state.find_message(int(message_id))

    def channel_posts(self, channel_id: int) -> list[dict]:
        """Messages the bot posted on its own (not replies to interactions)."""
        return [m for m in self.state.messages.get(channel_id, []) if m["type"] == DEFAULT_MESSAGE]

    def dms(self, user_id: int) -> list[dict]:
        """Direct messages the bot sent to this user."""
        channel = self.state.dm_channels.get(user_id)
        return self.messages(channel) if channel else []

    def commands(self, guild_id: int | None = None) -> list[dict]:
        """The commands the bot last synced: global ones, or one guild's (as Discord stores them, with ids)."""
        return list(self.state.commands.get(guild_id, []))

    synced = commands

    async def wait_for(self, predicate, *, timeout: float = 5.0) -> None:
        """Wait until predicate() holds: for what the bot sends after it has answered (a DM, a post)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise AssertionError("the simulated Discord never saw what the test waited for")
            await asyncio.sleep(0.01)

    # --- interactions ----------------------------------------------------------------
    def _command(self, guild: Guild | None, name: str, kind: int = discord.AppCommandType.chat_input.value,
                 where: Channel | PrivateChannel | None = None) -> dict:
        """The synced command a person can run here: global ones, or this server's (when it added the bot)."""
        server = self.state.commands.get(guild.id, []) if guild is not None and guild.bot_installed else []
        for command in server + self.state.commands.get(None, []):
            if command["name"] == name and command.get("type", 1) == kind:
                if where is not None:
                    _check_reachable(command, *_install_and_context(where))
                return command
        raise AssertionError(f"command {name!r} (type {kind}) was never synced to Discord")

    def _interaction(self, kind: int, guild: Guild | None, member: Member | User,
                     channel: Channel | PrivateChannel | None, data: dict, locale: str,
                     message: dict | None = None) -> tuple[dict, PendingInteraction]:
        if channel is None:
            assert guild is not None, "an interaction outside a server needs its private channel"
            channel = next(iter(guild.channels.values()), None) or guild.add_text_channel("general")
        interaction_id = snowflake()
        token = f"token-{interaction_id}"
        pending = PendingInteraction(interaction_id, token, channel.id, kind)
        self.state.interactions[token] = pending
        payload = {
            "id": str(interaction_id), "application_id": str(self.state.app_id), "type": kind, "token": token,
            "version": 1, "channel_id": str(channel.id), "channel": channel.payload(), "entitlements": [],
            "attachment_size_limit": 26214400, "locale": locale, "data": data, **_who_and_where(member, channel),
        }
        if message is not None:
            payload["message"] = message
            pending.original = message
        return payload, pending

    async def _send(self, payload: dict, pending: PendingInteraction, timeout: float) -> Reply:
        await self.server.dispatch("INTERACTION_CREATE", payload)
        try:
            await asyncio.wait_for(pending.done.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not answer interaction type {payload['type']} in {timeout}s") from None
        assert pending.reply is not None
        return pending.reply

    def _resolve(self, value: Any, spec: dict, resolved: dict, guild: Guild) -> Any:
        """An option's value as sent, with the object it names added to `resolved` as Discord does."""
        if isinstance(value, Channel):
            resolved.setdefault("channels", {})[str(value.id)] = {**value.payload(), "permissions": str(BOT_PERMISSIONS)}
            return str(value.id)
        if isinstance(value, Member):  # a user or mentionable option
            resolved.setdefault("users", {})[str(value.id)] = value.user.payload()
            member = value.payload()
            member.pop("user")
            resolved.setdefault("members", {})[str(value.id)] = member
            return str(value.id)
        if spec["type"] == _Option.role.value:  # given by id
            resolved.setdefault("roles", {})[str(value)] = guild.roles[value]
            return str(value)
        if isinstance(value, Attachment):
            resolved.setdefault("attachments", {})[str(value.id)] = value.payload(self.server.base_url)
            return str(value.id)
        return value

    def _options(self, spec_options: list[dict], values: dict[str, Any], resolved: dict, guild: Guild) -> list[dict]:
        out = []
        for name, value in values.items():
            if value is None:  # an optional option left empty is simply not sent
                continue
            spec = next((o for o in spec_options if o["name"] == name), None)
            if spec is None:
                raise AssertionError(f"no option {name!r}; the command has {[o['name'] for o in spec_options]}")
            out.append({"name": name, "type": spec["type"], "value": self._resolve(value, spec, resolved, guild)})
        return out

    def _command_data(self, guild: Guild | None, path: str, values: dict[str, Any], focused: str | None = None,
                      where: Channel | PrivateChannel | None = None) -> dict:
        names = path.split()
        command = self._command(guild, names[0], where=where)
        resolved: dict = {}
        node = command
        data = {"id": command["id"], "name": names[0], "type": discord.AppCommandType.chat_input.value}
        if guild is not None:
            data["guild_id"] = str(guild.id)
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

    # --- people acting ---------------------------------------------------------------
    async def slash(self, guild: Guild | None, member: Member | User, path: str, *,
                    where: Channel | PrivateChannel | None = None, locale: str = "zh-CN", timeout: float = 5,
                    **options: Any) -> Reply:
        """Run /path with options as `member`, typed in channel `where` (default: the server's first).

        In a server without the bot, or in a DM or group DM (guild None, `where` the private channel,
        `member` a User), the command arrives through the person's own install of the app."""
        where = where or (self._default_channel(guild) if guild is not None else None)
        assert where is not None, "a command outside a server needs `where`, a private channel"
        data = self._command_data(guild, path, options, where=where)
        payload, pending = self._interaction(APPLICATION_COMMAND, guild, member, where, data, locale)
        return await self._send(payload, pending, timeout)

    async def message_command(self, message: dict, member: Member | User, name: str, *, locale: str = "zh-CN",
                              timeout: float = 5) -> Reply:
        """Right-click `message` → Apps → `name`, as `member`: Discord sends the whole message along."""
        where = self.state.place(int(message["channel_id"]))
        guild = where.guild if isinstance(where, Channel) else None
        command = self._command(guild, name, MESSAGE_COMMAND, where=where)
        data = {"id": command["id"], "name": command["name"], "type": MESSAGE_COMMAND, "target_id": message["id"],
                "resolved": {"messages": {message["id"]: message}}}
        if guild is not None:
            data["guild_id"] = str(guild.id)
        payload, pending = self._interaction(APPLICATION_COMMAND, guild, member, where, data, locale)
        return await self._send(payload, pending, timeout)

    @staticmethod
    def _default_channel(guild: Guild) -> Channel:
        return next(iter(guild.channels.values()), None) or guild.add_text_channel("general")

    async def autocomplete(self, guild: Guild, member: Member, path: str, option: str, value: str, *,
                           locale: str = "zh-CN", **others: Any) -> list[dict]:
        data = self._command_data(guild, path, {**others, option: value}, focused=option)
        payload, pending = self._interaction(AUTOCOMPLETE, guild, member, None, data, locale)
        reply = await self._send(payload, pending, 3)  # Discord gives up after 3 seconds
        assert reply.type == AUTOCOMPLETE_RESULT, f"autocomplete answered with type {reply.type}"
        return reply.choices

    async def click(self, message: dict, member: Member | User, *, custom_id: str | None = None, label: str | None = None,
                    locale: str = "zh-CN") -> Reply:
        buttons = _buttons(message)
        button = next((b for b in buttons if b.get("custom_id") == custom_id or (label and b.get("label") == label)), None)
        if button is None:
            raise AssertionError(f"no button {custom_id or label!r} among {[b.get('label') for b in buttons]}")
        if button.get("disabled"):
            raise AssertionError(f"button {button.get('label')!r} is disabled")
        channel = self.state.place(int(message["channel_id"]))
        data = {"custom_id": button["custom_id"], "component_type": BUTTON}
        guild = channel.guild if isinstance(channel, Channel) else None
        payload, pending = self._interaction(COMPONENT, guild, member, channel, data, locale, message=message)
        return await self._send(payload, pending, 5)

    async def select(self, message: dict, member: Member | User, values: list[str], *,
                     locale: str = "zh-CN") -> Reply:
        """Pick options in the first select menu of a message."""
        menus = _select_menus(message)
        if not menus:
            raise AssertionError("the message has no select menu")
        menu = menus[0]
        offered = {o["value"] for o in menu.get("options", [])}
        assert set(values) <= offered, f"{values} not among {offered}"
        channel = self.state.place(int(message["channel_id"]))
        data = {"custom_id": menu["custom_id"], "component_type": SELECT, "values": values}
        guild = channel.guild if isinstance(channel, Channel) else None
        payload, pending = self._interaction(COMPONENT, guild, member, channel, data, locale, message=message)
        return await self._send(payload, pending, 5)

    async def submit_modal(self, modal: Reply, member: Member, values: dict[str, str | list[str]], *,
                           guild: Guild | None = None, locale: str = "zh-CN") -> Reply:
        """Fill in and submit the modal the bot opened (a MODAL reply); values by input custom_id.

        A text input takes a string, a select inside a label a list of option values. Like the
        Discord client, this refuses to submit an empty required input or a text of the wrong length.
        """
        assert modal.type == MODAL, f"expected a modal (type {MODAL}), got type {modal.type}"
        known = {c.get("custom_id") for c in _modal_inputs(modal.data)}
        unknown = set(values) - known
        assert not unknown, f"the modal has no inputs {sorted(unknown)}; it has {sorted(known)}"
        rows = []
        for row in modal.data.get("components", []):
            if row.get("type") == LABEL:  # wrapping one input
                rows.append({"type": LABEL, "component": _submitted(row["component"], values)})
            elif row.get("type") == ACTION_ROW:
                rows.append({"type": ACTION_ROW, "components": [_submitted(c, values) for c in row.get("components", [])]})
        guild = guild or member.guild
        data = {"custom_id": modal.data["custom_id"], "components": rows}
        payload, pending = self._interaction(MODAL_SUBMIT, guild, member, None, data, locale)
        return await self._send(payload, pending, 5)


def _install_and_context(where: Channel | PrivateChannel) -> tuple[int, int]:
    """How a command reaches the bot here: the server's install, or else the person's own."""
    if isinstance(where, PrivateChannel):
        return USER_INSTALL, where.context
    return (GUILD_INSTALL if where.guild.bot_installed else USER_INSTALL), GUILD_CONTEXT


def _who_and_where(person: Member | User, where: Channel | PrivateChannel) -> dict:
    """The payload keys that say who acted, where, and which installation authorised it.

    A server that added the bot: `member`, the server's id under owners' key "0". A server without
    the bot: still `guild_id` and `member`, but only the person's own install (key "1"). A DM or
    group DM: no `guild_id`, no `member`, the person as `user`, owners' key "1"."""
    install, context = _install_and_context(where)
    if isinstance(where, PrivateChannel):
        user = person.user if isinstance(person, Member) else person
        return {"user": user.payload(), "context": context, "app_permissions": str(PRIVATE_APP_PERMISSIONS),
                "authorizing_integration_owners": {"1": str(user.id)}}
    assert isinstance(person, Member), "in a server, people act as members"
    owner = {"0": str(where.guild.id)} if install == GUILD_INSTALL else {"1": str(person.id)}
    return {"guild_id": str(where.guild.id), "member": person.payload(), "context": context,
            "app_permissions": str(BOT_PERMISSIONS), "authorizing_integration_owners": owner,
            "guild_locale": "zh-CN"}
