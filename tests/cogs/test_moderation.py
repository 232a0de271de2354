"""Moderators' commands through the simulated Discord."""

import asyncio

import pytest

from bot.client import LiandanBot
from bot.core.glossary import Glossary, choice_value
from tests.conftest import DATA_DIR
from tests.support.fake_discord import CHANNEL_MESSAGE, MANAGE_GUILD, MEMBER_DEFAULT, MODAL

FORM = {"names": "Our mascot\nxiaohei, 黑猫", "summary": "本服务器的吉祥物。", "definition": "一只会画画的猫。",
        "example": "今天小黑又出图了。"}


def form(term="小黑", **over):
    return {"term": term, **FORM, **over}


async def add_term(world, member, term="小黑", **over):
    modal = await world.fake.slash(world.guild, member, "addterm", category="slang")
    assert modal.type == MODAL, modal.content
    return await world.fake.submit_modal(modal, member, form(term, **over))


async def test_moderator_adds_a_term_through_the_modal_and_sees_the_card(world):
    card = await add_term(world, world.moderator)
    assert card.type == CHANNEL_MESSAGE and card.embeds[0]["title"] == "小黑 · Our mascot"
    fields = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}
    assert fields["别名"] == "xiaohei、黑猫" and fields["来源"] == "本服务器管理员编写"
    found = await world.fake.slash(world.guild, world.member, "define", term="xiaohei")
    assert found.embeds[0]["title"] == "小黑 · Our mascot"


async def test_a_crafted_interaction_without_permission_is_refused_without_a_modal(world):
    reply = await world.fake.slash(world.guild, world.member, "addterm", category="slang")
    assert reply.type == CHANNEL_MESSAGE and reply.ephemeral and "只有管理员" in reply.content
    for command in ("editterm", "removeterm", "termhistory"):
        refused = await world.fake.slash(world.guild, world.member, command, term="炸炉")
        assert refused.ephemeral and "只有管理员" in refused.content
    (addterm,) = [c for c in world.fake.synced() if c["name"] == "addterm"]
    assert int(addterm["default_member_permissions"]) == MANAGE_GUILD


async def restart(world):
    """Start a fresh bot process on the same database, so it sees servers, channels and roles made since."""
    await world.fake.stop_bot()
    world.bot = LiandanBot(world.bot.settings, world.bot.services.glossary)
    await world.fake.run_bot(world.bot)


async def test_the_configured_moderator_role_may_write(world):
    role = world.guild.add_role("词库管理员")
    helper = world.guild.add_member("助手", roles=[role])
    await restart(world)
    refused = await world.fake.slash(world.guild, helper, "addterm", category="slang")
    assert refused.ephemeral and "只有管理员" in refused.content
    done = await world.fake.slash(world.guild, world.moderator, "glossary config moderator_role", role=role)
    assert done.ephemeral
    assert (await world.fake.slash(world.guild, helper, "addterm", category="slang")).type == MODAL


async def test_servers_never_see_each_others_terms(world):
    await add_term(world, world.moderator)
    other = world.fake.add_guild("另一个服务器")
    other.add_text_channel("general")
    stranger = other.add_member("路人")
    await restart(world)
    miss = await world.fake.slash(other, stranger, "define", term="小黑")
    assert not miss.embeds
    choices = await world.fake.autocomplete(other, stranger, "define", "term", value="小黑")
    assert all("小黑" not in c["name"] for c in choices)


async def test_two_moderators_adding_one_name_at_once_leave_exactly_one(world):
    second = world.guild.add_member("版主二", permissions=MEMBER_DEFAULT | MANAGE_GUILD)
    modals = [await world.fake.slash(world.guild, m, "addterm", category="slang") for m in (world.moderator, second)]
    replies = await asyncio.gather(*(world.fake.submit_modal(modal, m, form())
                                     for modal, m in zip(modals, (world.moderator, second), strict=True)))
    cards = [r for r in replies if r.embeds]
    errors = [r for r in replies if r.ephemeral]
    assert len(cards) == 1 and len(errors) == 1
    assert "已经是术语「小黑」" in errors[0].content


async def test_edit_remove_restore_history_and_revert(world):
    await add_term(world, world.moderator)
    modal = await world.fake.slash(world.guild, world.moderator, "editterm", term="小黑")
    assert modal.type == MODAL
    inputs = {c["custom_id"]: c.get("value") for row in modal.data["components"]
              for c in row.get("components", [row.get("component", {})])}
    assert "小黑" in inputs.values()  # prefilled
    edited = await world.fake.submit_modal(modal, world.moderator, form(definition="第二版的解释。"))
    assert edited.embeds[0]["description"] == "第二版的解释。"

    confirm = await world.fake.slash(world.guild, world.moderator, "removeterm", term="小黑")
    assert confirm.ephemeral and "确定删除" in confirm.content
    done = await world.fake.click(confirm.message, world.moderator, label="确认")
    assert "已删除" in done.message["content"]
    assert not (await world.fake.slash(world.guild, world.member, "define", term="小黑")).embeds

    slug = "xiao-hei"
    restored = await world.fake.slash(world.guild, world.moderator, "restoreterm", term=choice_value(slug))
    assert restored.embeds[0]["description"] == "第二版的解释。"

    history = await world.fake.slash(world.guild, world.moderator, "termhistory", term=choice_value(slug))
    assert history.ephemeral
    lines = history.embeds[0]["description"].splitlines()
    assert [line.split("**")[1] for line in lines] == ["restore", "remove", "edit", "create"]
    first = history.message["components"][0]["components"][0]["options"][-1]["value"]
    reverted = await world.fake.select(history.message, world.moderator, [first])
    assert "已回退" in reverted.message["content"]
    again = await world.fake.slash(world.guild, world.member, "define", term="小黑")
    assert again.embeds[0]["description"] == "一只会画画的猫。"


async def test_editing_a_shipped_term_is_local_and_restorable(world):
    modal = await world.fake.slash(world.guild, world.moderator, "editterm", term="炸炉")
    await world.fake.submit_modal(modal, world.moderator, form("炸炉", definition="我们这里的说法。", names="Our overtraining"))
    here = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    assert here.embeds[0]["description"] == "我们这里的说法。"
    shipped = await world.bot.services.glossary.by_slug("zhalu", 0)  # the shipped row is untouched
    assert shipped.term.definition != "我们这里的说法。"
    await world.fake.slash(world.guild, world.moderator, "restoreterm", term=choice_value("zhalu"))
    back = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    assert back.embeds[0]["description"] == shipped.term.definition


async def test_bad_modal_input_is_refused_and_changes_nothing(world):
    modal = await world.fake.slash(world.guild, world.moderator, "addterm", category="slang")
    reply = await world.fake.submit_modal(modal, world.moderator, form(names="\n"))
    assert reply.ephemeral and "en" in reply.content
    assert not (await world.fake.slash(world.guild, world.member, "define", term="小黑")).embeds


async def test_gaps_count_misses(world):
    for query in ("不存在的词", "不存在的词", "ＸＹＺ ａｂｃ"):
        await world.fake.slash(world.guild, world.member, "define", term=query)
    gaps = await world.fake.slash(world.guild, world.moderator, "glossary gaps")
    assert gaps.ephemeral
    assert gaps.embeds[0]["description"].splitlines()[0] == "1. `不存在的词` × 2"
    assert "`xyzabc` × 1" in gaps.embeds[0]["description"]


async def test_export_then_import_with_dry_run(world):
    await add_term(world, world.moderator)
    exported = await world.fake.slash(world.guild, world.moderator, "glossary export")
    assert exported.ephemeral and "1 个术语" in exported.content
    assert [r for r in world.fake.requests if isinstance(r[2], dict) and r[2].get("_files")]  # sent as a file

    bad = world.fake.attachment("bad.yaml", b"- id: x\n  term: X\n  category: nope\n")
    refused = await world.fake.slash(world.guild, world.moderator, "glossary import", file=bad)
    assert refused.ephemeral and "bad.yaml:3: category" in refused.content

    good = world.fake.attachment("mine.yaml", (
        "- id: xiao-hei\n  term: 小黑\n  en: Our mascot\n  aliases: [xiaohei, 黑猫]\n  category: slang\n"
        "  summary: 本服务器的吉祥物。\n  definition: 改过的解释。\n  example: 今天小黑又出图了。\n"
        "  sources: ['server:1']\n"
        "- id: da-bai\n  term: 大白\n  en: Big white\n  category: slang\n  summary: 另一只猫。\n"
        "  definition: 一只不会画画的猫。\n  sources: ['server:1']\n").encode())
    plan = await world.fake.slash(world.guild, world.moderator, "glossary import", file=good)
    assert "新增 1，修改 1，未变 0" in plan.content
    assert (await world.fake.slash(world.guild, world.member, "define", term="大白")).embeds == []  # dry run only
    applied = await world.fake.click(plan.message, world.moderator, label="确认")
    assert "已导入 2" in applied.message["content"]
    assert (await world.fake.slash(world.guild, world.member, "define", term="大白")).embeds


@pytest.mark.parametrize("approve", [True, False])
async def test_suggestions_go_to_review_and_the_suggester_hears_back(world, approve):
    review = world.guild.add_text_channel("审核")
    await restart(world)
    no_channel = await world.fake.slash(world.guild, world.member, "suggestterm", category="slang")
    assert no_channel.ephemeral and "审核频道" in no_channel.content
    await world.fake.slash(world.guild, world.moderator, "glossary config review_channel", channel=review)

    modal = await world.fake.slash(world.guild, world.member, "suggestterm", category="slang")
    thanks = await world.fake.submit_modal(modal, world.member, form("大白", names="Big white"))
    assert thanks.ephemeral and "谢谢" in thanks.content
    (posted,) = world.fake.channel_posts(review.id)
    assert posted["embeds"][0]["title"].startswith("大白")

    refused = await world.fake.click(posted, world.member, label="通过")
    assert refused.ephemeral and "只有管理员" in refused.content
    decided = await world.fake.click(posted, world.moderator, label="通过" if approve else "拒绝")
    assert ("已由" in decided.message["content"]) and decided.message["components"] == []
    found = await world.fake.slash(world.guild, world.member, "define", term="大白")
    assert bool(found.embeds) is approve
    await world.fake.wait_for(lambda: world.fake.dms(world.member.id))
    (dm,) = world.fake.dms(world.member.id)
    assert ("已通过" if approve else "没有被采纳") in dm["content"]


async def test_servers_terms_survive_a_reload_of_shipped_data(world, settings):
    await add_term(world, world.moderator)
    await world.fake.stop_bot()
    await world.bot.services.glossary.db.conn.execute("DELETE FROM meta")  # as if data/ changed in an upgrade
    glossary, report = await Glossary.open(settings.database_path, DATA_DIR)
    assert not report.skipped
    bot = LiandanBot(settings, glossary)
    try:
        await world.fake.run_bot(bot)
        found = await world.fake.slash(world.guild, world.member, "define", term="小黑")
        assert found.embeds and found.embeds[0]["title"] == "小黑 · Our mascot"
    finally:
        await world.fake.stop_bot()
        await glossary.close()
