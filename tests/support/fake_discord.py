"""A small simulated Discord on 127.0.0.1: REST + gateway, enough for slash commands,
autocomplete, buttons, modals and channel posts.

The bot under test runs discord.py's real HTTP and WebSocket code against it. Every
body the bot sends is checked against Discord's limits (and official schema) and any
violation is recorded in `violations`.

`FakeDiscord` puts together the parts, each in its own module:
- tests/support/discord_model.py: servers, channels, members, roles, messages, users;
- tests/support/discord_server.py: the REST API and gateway the bot talks to, failure injection
  (channel posts, interaction callbacks, gateway drops);
- tests/support/driver.py: what tests call (slash, click, submit_modal, channel_posts…).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import yarl

from tests.support.discord_model import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    AUTOCOMPLETE_RESULT,
    BOT_PERMISSIONS,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_MESSAGE_UPDATE,
    EPHEMERAL,
    MANAGE_GUILD,
    MEMBER_DEFAULT,
    MESSAGE_UPDATE,
    MODAL,
    USE_EXTERNAL_APPS,
    Attachment,
    Channel,
    DiscordState,
    Guild,
    Member,
    PrivateChannel,
    Reply,
    User,
)
from tests.support.discord_server import DiscordServer, Request, point_discord_py_at
from tests.support.driver import Driver

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "AUTOCOMPLETE_RESULT",
    "BOT_PERMISSIONS",
    "CHANNEL_MESSAGE",
    "DEFERRED_CHANNEL_MESSAGE",
    "DEFERRED_MESSAGE_UPDATE",
    "EPHEMERAL",
    "MANAGE_GUILD",
    "MEMBER_DEFAULT",
    "MESSAGE_UPDATE",
    "MODAL",
    "USE_EXTERNAL_APPS",
    "Attachment",
    "Channel",
    "FakeDiscord",
    "Guild",
    "Member",
    "PrivateChannel",
    "Reply",
    "Request",
    "User",
    "main",
    "point_discord_py_at",
]


class FakeDiscord(Driver):
    """One simulated Discord: a fresh world, the server the bot connects to, and the driver tests call."""

    def __init__(self) -> None:
        state = DiscordState()
        super().__init__(state, DiscordServer(state))
        self._saved: tuple[str, yarl.URL] | None = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    async def start(self, port: int = 0, *, patch_discord: bool = True) -> None:
        """Listen on 127.0.0.1:port (0: any free port) and, by default, point this process's discord.py here."""
        from tests.support.control import add_control_routes  # the JSON API for driving a standalone fake

        await self.server.start(port, add_routes=lambda app: add_control_routes(app, self))
        if patch_discord:
            self._saved = point_discord_py_at(self.api_base, self.gateway_url)

    async def stop(self) -> None:
        await self.stop_bot()
        await self.server.stop()
        if self._saved is not None:
            point_discord_py_at(*self._saved)
            self._saved = None

    # --- the world and what the server saw, as tests read them --------------------
    @property
    def app_id(self) -> int:
        return self.state.app_id

    @property
    def bot_user(self) -> User:
        return self.state.bot_user

    @property
    def guilds(self) -> dict[int, Guild]:
        return self.state.guilds

    @property
    def channels(self) -> dict[int, Channel]:
        return self.state.channels

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def api_base(self) -> str:
        return self.server.api_base

    @property
    def gateway_url(self) -> str:
        return self.server.gateway_url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    @property
    def violations(self) -> list[str]:
        return self.server.violations

    @property
    def unhandled(self) -> list[str]:
        """Routes the bot called that the server does not model."""
        return self.server.unhandled

    def problems(self) -> list[str]:
        """Limit/schema violations plus calls to routes the server does not model."""
        return self.server.problems()

    def assert_clean(self) -> None:
        """Fail when the bot sent anything Discord would reject or called a route the server lacks."""
        self.server.assert_clean()

    def fail_channel(self, channel_id: int, status: int, times: int = -1, *, retry_after: float = 0.01) -> None:
        """Answer the next `times` posts to this channel with `status` (-1: until cleared); see DiscordServer."""
        self.server.fail_channel(channel_id, status, times, retry_after=retry_after)

    def clear_failures(self, channel_id: int) -> None:
        self.server.clear_failures(channel_id)

    def fail_interactions(self, *statuses: int, retry_after: float = 0.01, processed: bool = False) -> None:
        """Answer the bot's next interaction callbacks with these statuses, in order; see DiscordServer."""
        self.server.fail_interactions(*statuses, retry_after=retry_after, processed=processed)

    async def drop_gateway(self, *, code: int = 4000, resumable: bool = True) -> None:
        """Cut the bot's gateway connection; it resumes, or re-identifies if not `resumable`. See DiscordServer."""
        await self.server.drop_gateway(code=code, resumable=resumable)


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
