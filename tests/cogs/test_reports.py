"""报错 under every card: readers report a wrong card, moderators or maintainers hear of it."""

import subprocess
import sys
from pathlib import Path

from tests.cogs.test_moderation import add_term, restart
from tests.support.fake_discord import MODAL

REPO = Path(__file__).resolve().parents[2]


def report_button(message: dict) -> dict:
    (button,) = [c for row in message["components"] for c in row["components"] if c.get("label") == "报错"]
    return button


async def report(world, card, member, note="例句里的参数写错了"):
    form = await world.fake.click(card.message, member, label="报错")
    assert form.type == MODAL
    return await world.fake.submit_modal(form, member, {"note": note})


async def test_every_card_has_a_report_button_and_built_in_reports_are_kept_once_a_day(world, settings):
    card = await world.fake.slash(world.guild, world.member, "define", term="炸炉")
    assert report_button(card.message)["custom_id"] == "liandan:report:zhalu"
    thanks = await report(world, card, world.member)
    assert thanks.ephemeral and "谢谢" in thanks.content
    again = await report(world, card, world.member, "再报一次")
    assert again.ephemeral and "今天已经报过" in again.content
    await report(world, card, world.moderator, "另一个人也觉得不对")
    out = subprocess.run([sys.executable, "-m", "bot", "reports"], capture_output=True, text=True, cwd=REPO,
                         env={"DATABASE_URL": f"sqlite:///{settings.database_path}"}, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "zhalu\t2" and "  - 例句里的参数写错了" in lines and "再报一次" not in out.stdout


async def test_a_report_on_a_servers_own_term_reaches_its_review_channel(world):
    review = world.guild.add_text_channel("审核")
    await restart(world)
    await world.fake.slash(world.guild, world.moderator, "glossary config review_channel", channel=review)
    await add_term(world, world.moderator)
    card = await world.fake.slash(world.guild, world.member, "define", term="小黑")
    await report(world, card, world.member, "小黑其实是白猫")
    await world.fake.wait_for(lambda: world.fake.channel_posts(review.id))
    (posted,) = world.fake.channel_posts(review.id)
    assert "小黑其实是白猫" in posted["embeds"][0]["description"]  # the fake refuses any body that could ping
    refused = await world.fake.click(posted, world.member, label="编辑词条")
    assert refused.ephemeral and "只有管理员" in refused.content
    form = await world.fake.click(posted, world.moderator, label="编辑词条")
    assert form.data["title"] == "编辑术语"
