"""Crafted interactions through the simulated Discord: every one gets a clear answer within Discord's limits."""

from tests.cogs.test_moderation import add_term
from tests.core.test_hostile_input import ALIAS_BOMB
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_DEFAULT


async def test_a_2000_character_query_gets_a_reply_discord_accepts(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="奇" * 2000)
    assert reply.ephemeral and reply.content.startswith("没有找到")
    assert len(reply.content) < 200  # the echo is cut; the simulated Discord checks every limit anyway


async def test_a_lone_surrogate_gets_a_plain_miss_and_autocomplete_answers(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="\ud800")
    assert reply.ephemeral and "出错了" not in reply.content
    assert isinstance(await world.fake.autocomplete(world.guild, world.member, "define", "term", "\ud800炸"), list)


async def test_invisible_characters_fold_away_in_lookups(world):
    reply = await world.fake.slash(world.guild, world.member, "define", term="炸\u200b炉")
    assert reply.embeds[0]["title"].startswith("炸炉")


async def test_a_confirm_survives_refused_clicks_and_checks_its_own_server(world):
    await add_term(world, world.moderator)
    question = await world.fake.slash(world.guild, world.moderator, "removeterm", term="小黑")
    stranger = await world.fake.click(question.message, world.member, label="确认")
    assert stranger.ephemeral and "只属于" in stranger.content  # answered, not silent
    world.moderator.permissions = MEMBER_DEFAULT  # demoted between the question and the click
    refused = await world.fake.click(question.message, world.moderator, label="确认")
    assert refused.ephemeral and "只有管理员" in refused.content
    world.moderator.permissions = MEMBER_DEFAULT | MANAGE_GUILD
    done = await world.fake.click(question.message, world.moderator, label="确认")
    assert "已删除" in done.message["content"]
    assert (await world.fake.slash(world.guild, world.member, "define", term="小黑")).embeds == []


async def test_an_import_bomb_is_refused_with_its_line_and_the_bot_keeps_answering(world):
    bomb = world.fake.attachment("bomb.yaml", ("- id: x\n  term: X\n  " + ALIAS_BOMB.replace("\n", "\n  ")).encode())
    refused = await world.fake.slash(world.guild, world.moderator, "glossary import", file=bomb, timeout=10)
    assert refused.ephemeral and "aliases" in refused.content and "bomb.yaml:4" in refused.content
    deep = world.fake.attachment("deep.yaml", ("[" * 10_000 + "]" * 10_000).encode())
    refused = await world.fake.slash(world.guild, world.moderator, "glossary import", file=deep, timeout=10)
    assert "nested more than" in refused.content
    assert (await world.fake.slash(world.guild, world.member, "define", term="炸炉")).embeds


async def test_an_import_clashing_with_a_built_in_name_is_refused_in_the_dry_run(world):
    clash = world.fake.attachment("clash.yaml", (
        "- id: ours\n  term: 炸爐\n  en: Ours\n  category: slang\n  summary: s\n  definition: d\n"
        "  sources: ['server:1']\n").encode())
    refused = await world.fake.slash(world.guild, world.moderator, "glossary import", file=clash)
    assert refused.ephemeral and "已经是术语「炸炉」" in refused.content and "新增" not in refused.content


async def test_a_confirm_clicked_from_another_server_is_refused(world):
    """The remove confirm writes to the server it was asked in; a click carrying another server is refused."""
    from tests.cogs.test_moderation import restart
    from tests.support.fake_discord import Member

    other = world.fake.add_guild("另一个服务器")
    channel = other.add_text_channel("general")
    twin = Member(world.moderator.user, other, MEMBER_DEFAULT | MANAGE_GUILD)
    other.members[twin.id] = twin
    await restart(world)
    await add_term(world, world.moderator)
    question = await world.fake.slash(world.guild, world.moderator, "removeterm", term="小黑")
    (button,) = [c for row in question.message["components"] for c in row["components"] if c["label"] == "确认"]
    data = {"custom_id": button["custom_id"], "component_type": 2}
    payload, pending = world.fake._interaction(3, other, twin, channel, data, "zh-CN", message=question.message)
    refused = await world.fake._send(payload, pending, 5)
    assert refused.ephemeral and "另一个服务器" in refused.content
    assert (await world.fake.slash(world.guild, world.member, "define", term="小黑")).embeds  # nothing removed
