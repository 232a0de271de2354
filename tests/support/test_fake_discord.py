"""The simulated Discord, driven through a tiny throwaway bot that uses discord.py's real code.

If these pass, a test that uses the fake talks to discord.py the way Discord would.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.request
from pathlib import Path

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.support import limits
from tests.support.fake_discord import (
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    MESSAGE_UPDATE,
    MODAL,
    FakeDiscord,
    point_discord_py_at,
)

REPO = Path(__file__).resolve().parents[2]
WORDS = ["炸炉", "炼丹", "抽卡", "咒语", "底模", "炸图", "出图", *[f"词{i}" for i in range(40)]]


class Suggest(discord.ui.Modal, title="投稿新词"):
    term = discord.ui.TextInput(label="词条", max_length=32)
    meaning = discord.ui.Label(text="解释", component=discord.ui.TextInput(custom_id="meaning",
                                                                           style=discord.TextStyle.long))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        meaning = self.meaning.component.value  # type: ignore[attr-defined]
        await interaction.response.send_message(f"收到：{self.term.value} = {meaning}", ephemeral=True)


class Card(discord.ui.View):
    def __init__(self, term: str) -> None:
        super().__init__(timeout=None)
        self.term = term

    @discord.ui.button(label="展开", custom_id="card:more")
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        button.disabled = True
        await interaction.response.edit_message(content=f"{self.term}：更多解释", view=self)

    @discord.ui.button(label="投稿", custom_id="card:suggest")
    async def suggest(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(Suggest())


class Daily(app_commands.Group, name="daily", description="每日一词"):
    @app_commands.command(name="set", description="设置每日一词频道")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str) -> None:
        await interaction.response.send_message(f"好的：{channel.name} {time}", ephemeral=True)

    @set_.error
    async def refused(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await interaction.response.send_message("需要“管理服务器”权限", ephemeral=True)


class TinyBot(commands.Bot):
    def __init__(self, *, mentions: discord.AllowedMentions | None = None) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=discord.Intents.default(),
                         allowed_mentions=mentions or discord.AllowedMentions.none())

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command(name="define", description="查词")
        async def define(interaction: discord.Interaction, term: str) -> None:
            english = interaction.locale is discord.Locale.american_english
            embed = discord.Embed(title=term, description="A term" if english else "一个术语")
            await interaction.response.send_message(embed=embed, view=Card(term))

        @define.autocomplete("term")
        async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=w, value=w) for w in WORDS if current in w][:25]

        @tree.command(name="slow", description="先延迟再回复")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True)
            await interaction.followup.send("想好了")

        @tree.command(name="big", description="发一个过大的卡片")
        async def big(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(embed=discord.Embed(title="大" * 300))

        @tree.command(name="ping", description="提到某人")
        async def ping(interaction: discord.Interaction, who: discord.Member) -> None:
            await interaction.response.send_message(f"你好 {who.mention}")

        async def post(interaction: discord.Interaction, channel_id: int) -> None:
            self.last_channel_id = channel_id
            try:
                await self.get_partial_messageable(channel_id).send("今日一词：炸炉")
            except discord.HTTPException as error:
                await interaction.response.send_message(f"失败 {error.status}", ephemeral=True)
            else:
                await interaction.response.send_message("已发", ephemeral=True)

        @tree.command(name="announce", description="在频道里发帖")
        async def announce(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
            await post(interaction, channel.id)

        @tree.command(name="repost", description="在上次的频道里再发一次")
        async def repost(interaction: discord.Interaction) -> None:
            await post(interaction, self.last_channel_id)

        tree.add_command(Daily())
        await tree.sync()


async def start(fake: FakeDiscord, **kwargs) -> TinyBot:
    bot = TinyBot(**kwargs)
    await fake.run_bot(bot)
    return bot


async def test_slash_command_answers_with_a_card_in_the_users_language(fake_discord, fake_server):
    await start(fake_discord)
    s = fake_server
    reply = await fake_discord.slash(s.guild, s.member, "define", term="炸炉")
    assert reply.type == CHANNEL_MESSAGE and not reply.ephemeral
    assert (reply.embeds[0]["title"], reply.embeds[0]["description"]) == ("炸炉", "一个术语")
    assert [b["label"] for b in reply.buttons] == ["展开", "投稿"]
    assert fake_discord.messages(s.channel.id) == [reply.message]
    english = await fake_discord.slash(s.guild, s.member, "define", term="炸炉", locale="en-US")
    assert english.embeds[0]["description"] == "A term"


async def test_commands_are_stored_as_synced_and_unsynced_ones_fail_loudly(fake_discord, fake_server):
    await start(fake_discord)
    names = sorted(c["name"] for c in fake_discord.commands())
    assert names == ["announce", "big", "daily", "define", "ping", "repost", "slow"]
    (put,) = [r for r in fake_discord.requests if r.method == "PUT"]
    assert put.path == f"/applications/{fake_discord.app_id}/commands"
    with pytest.raises(AssertionError, match="never synced"):
        await fake_discord.slash(fake_server.guild, fake_server.member, "nosuch")
    with pytest.raises(AssertionError, match="needs option 'term'"):
        await fake_discord.slash(fake_server.guild, fake_server.member, "define")


async def test_autocomplete_returns_the_bots_choices(fake_discord, fake_server):
    await start(fake_discord)
    choices = await fake_discord.autocomplete(fake_server.guild, fake_server.member, "define", "term", value="炸")
    assert choices == [{"name": "炸炉", "value": "炸炉"}, {"name": "炸图", "value": "炸图"}]
    assert len(await fake_discord.autocomplete(fake_server.guild, fake_server.member, "define", "term", value="")) == 25


async def test_button_click_edits_the_message_it_sits_on(fake_discord, fake_server):
    await start(fake_discord)
    s = fake_server
    card = await fake_discord.slash(s.guild, s.member, "define", term="炸炉")
    clicked = await fake_discord.click(card.message, s.member, label="展开")
    assert clicked.type == MESSAGE_UPDATE
    assert clicked.content == "炸炉：更多解释"
    assert fake_discord.messages(s.channel.id)[0]["content"] == "炸炉：更多解释"  # edited in place
    with pytest.raises(AssertionError, match="disabled"):
        await fake_discord.click(clicked.message, s.member, custom_id="card:more")


async def test_modal_opens_and_its_submission_reaches_the_bot(fake_discord, fake_server):
    await start(fake_discord)
    s = fake_server
    card = await fake_discord.slash(s.guild, s.member, "define", term="炸炉")
    modal = await fake_discord.click(card.message, s.member, custom_id="card:suggest")
    assert modal.type == MODAL and modal.data["title"] == "投稿新词"
    term_id = modal.data["components"][0]["components"][0]["custom_id"]
    done = await fake_discord.submit_modal(modal, s.member, {term_id: "糊图", "meaning": "图没画好"})
    assert done.ephemeral and done.content == "收到：糊图 = 图没画好"
    with pytest.raises(AssertionError, match="required"):
        await fake_discord.submit_modal(modal, s.member, {term_id: "糊图"})


async def test_subcommand_with_a_channel_option_follows_role_permissions(fake_discord, fake_server):
    await start(fake_discord)
    s = fake_server
    refused = await fake_discord.slash(s.guild, s.member, "daily set", channel=s.channel, time="09:00")
    assert refused.content == "需要“管理服务器”权限"
    for who in (s.moderator, s.admin):
        ok = await fake_discord.slash(s.guild, who, "daily set", channel=s.channel, time="09:00")
        assert ok.content == "好的：炼丹房 09:00" and ok.ephemeral


async def test_deferred_answer_waits_for_the_followup(fake_discord, fake_server):
    await start(fake_discord)
    reply = await fake_discord.slash(fake_server.guild, fake_server.member, "slow")
    assert reply.type == DEFERRED_CHANNEL_MESSAGE
    assert reply.content == "想好了"
    assert reply.ephemeral  # deferred ephemerally: the followup fills that private "thinking" message
    assert fake_discord.messages(fake_server.channel.id) == [reply.message]


async def test_oversized_embed_is_reported(fake_discord, fake_server):
    await start(fake_discord)
    await fake_discord.slash(fake_server.guild, fake_server.member, "big")
    assert any("title is 300 > 256" in v for v in fake_discord.violations)
    assert any("schema" in v for v in fake_discord.violations) == limits.has_official_schema()
    fake_discord.violations.clear()  # seen; the fixture would fail the test otherwise


async def test_a_reply_that_could_ping_is_reported(fake_discord, fake_server):
    await start(fake_discord, mentions=discord.AllowedMentions(users=True))
    await fake_discord.slash(fake_server.guild, fake_server.member, "ping", who=fake_server.moderator)
    assert any("lets the message ping" in v for v in fake_discord.violations)
    fake_discord.violations.clear()


@pytest.mark.parametrize(("status", "times", "answer", "posts"), [
    (429, 2, "已发", 1),  # rate limited twice, discord.py waits and retries
    (500, 1, "已发", 1),  # a server error discord.py retries once
    (403, -1, "失败 403", 0),  # missing permissions
])
async def test_channel_failures(fake_discord, fake_server, status, times, answer, posts):
    await start(fake_discord)
    s = fake_server
    fake_discord.fail_channel(s.channel.id, status, times)
    reply = await fake_discord.slash(s.guild, s.moderator, "announce", channel=s.channel)
    assert reply.content == answer
    assert [m["content"] for m in fake_discord.channel_posts(s.channel.id)] == ["今日一词：炸炉"] * posts


async def test_channels_created_and_deleted_while_the_bot_runs(fake_discord, fake_server):
    bot = await start(fake_discord)
    s = fake_server
    other = await fake_discord.create_channel(s.guild, "新频道")
    assert (await fake_discord.slash(s.guild, s.moderator, "announce", channel=other)).content == "已发"
    await fake_discord.delete_channel(other)
    assert bot.get_channel(other.id) is None  # the bot heard CHANNEL_DELETE
    assert (await fake_discord.slash(s.guild, s.moderator, "repost")).content == "失败 404"


def test_check_limits_covers_each_kind():
    assert limits.check_limits("embed", {"title": "t" * 257})
    assert limits.check_limits("embeds", [{"description": "d" * 4000}, {"description": "d" * 2001}])  # > 6000
    assert limits.check_limits("message", {"content": "x" * 2001, "allowed_mentions": {"parse": []}})
    assert limits.check_limits("modal", {"title": "t" * 46, "custom_id": "m", "components": []})
    assert limits.check_limits("command", {"name": "define", "description": "查词", "options": [
        {"name": "term", "description": "词", "type": 3, "choices": [{"name": str(i), "value": str(i)} for i in range(26)]}]})
    too_long = {"name": "glossary", "description": "d", "options": [
        {"name": f"o{i}", "description": "d" * 100, "type": 3} for i in range(25)] * 2}
    assert any("4000" in p for p in limits.check_limits("command", too_long, schema=False))
    assert limits.check_limits("message", {"content": "ok", "allowed_mentions": {"parse": []}}) == []


@pytest.mark.skipif(not limits.has_official_schema(), reason="Discord's OpenAPI spec is not beside the repo")
def test_official_schema_catches_what_the_hand_written_limits_do_not():
    command = {"name": "define", "description": "查词", "type": 1, "default_member_permissions": "manage_guild"}
    assert limits.check_limits("command", command, schema=False) == []
    assert "default_member_permissions" in " ".join(limits.check_limits("command", command))
    assert limits.check_limits("embed", {"title": "炸炉", "color": -1}, schema=False) == []
    assert "color" in " ".join(limits.check_limits("embed", {"title": "炸炉", "color": -1}))


async def test_standalone_fake_drives_a_bot_in_another_process_through_its_control_api():
    # Here the fake is the other process and the tiny bot runs in this one; `python -m bot` works the same way.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.fake_discord", "--port", "0", "--channel", "general", cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    bot = TinyBot()
    bot._connection.guild_ready_timeout = 0.01
    saved = None
    try:
        info = json.loads(await asyncio.wait_for(proc.stdout.readline(), 30))
        (guild,) = info["guilds"]
        assert [c["name"] for c in guild["channels"]] == ["general"]
        saved = point_discord_py_at(info["api_base"], info["gateway_url"])

        def call(path: str, body: dict | None = None) -> dict | list:
            data = json.dumps(body).encode() if body is not None else None
            with urllib.request.urlopen(urllib.request.Request(info["control"] + path, data=data), timeout=10) as r:
                return json.load(r)

        running = asyncio.create_task(bot.start("fake.bot.token"))
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        assert "define" in [c["name"] for c in await asyncio.to_thread(call, "/commands")]
        card = await asyncio.to_thread(call, "/slash", {"command": "define", "options": {"term": "炸炉"}})
        assert card["embeds"][0]["title"] == "炸炉"
        modal = await asyncio.to_thread(call, "/click", {"message_id": card["message"]["id"], "label": "投稿"})
        term_id = modal["data"]["components"][0]["components"][0]["custom_id"]
        done = await asyncio.to_thread(call, "/submit_modal", {"reply_id": modal["id"],
                                                              "values": {term_id: "糊图", "meaning": "没画好"}})
        assert done["content"] == "收到：糊图 = 没画好"
        assert await asyncio.to_thread(call, "/violations") == []
        await bot.close()
        await running
    finally:
        if saved:
            point_discord_py_at(*saved)
        proc.terminate()
        await proc.wait()


def test_assert_clean_fails_on_a_violation_or_an_unmodelled_route():
    fake = FakeDiscord()
    fake.assert_clean()
    fake.violations.append("channel message: content > 2000")
    with pytest.raises(AssertionError, match="content > 2000"):
        fake.assert_clean()
    fake.violations.clear()
    fake.unhandled.append("GET /guilds/1/bans")
    with pytest.raises(AssertionError, match="unmodelled route GET /guilds/1/bans"):
        fake.assert_clean()


def test_user_install_payloads_look_like_discords():
    fake = FakeDiscord()
    user = fake.add_user("私信用户")
    payload, _ = fake._interaction(2, None, user, fake.dm(user), {}, "zh-TW")
    assert "member" not in payload and "guild_id" not in payload and payload["user"]["id"] == str(user.id)
    assert payload["authorizing_integration_owners"] == {"1": str(user.id)} and payload["context"] == 1
    assert payload["channel"]["type"] == 1 and payload["locale"] == "zh-TW"
    group = fake.group_dm(user, fake.add_user("朋友"))
    payload, _ = fake._interaction(2, None, user, group, {}, "zh-CN")
    assert payload["context"] == 2 and payload["channel"]["type"] == 3 and "member" not in payload
    guild = fake.add_guild("别人的服务器", bot_installed=False)
    member = guild.add_member("画师")
    payload, _ = fake._interaction(2, guild, member, guild.add_text_channel("闲聊"), {}, "zh-CN")
    assert payload["guild_id"] == str(guild.id) and payload["member"]["user"]["id"] == str(member.id)
    assert payload["authorizing_integration_owners"] == {"1": str(member.id)} and payload["context"] == 0


async def test_the_bot_never_hears_of_a_server_that_did_not_add_it(fake_discord, fake_server):
    elsewhere = fake_discord.add_guild("别人的服务器", bot_installed=False)
    channel = elsewhere.add_text_channel("闲聊")
    bot = await start(fake_discord)
    assert bot.get_guild(fake_server.guild.id) is not None and bot.get_guild(elsewhere.id) is None
    with pytest.raises(discord.Forbidden):  # its own REST calls there are refused: only interactions reach it
        await bot.fetch_channel(channel.id)
