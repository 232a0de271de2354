"""A server's terms as YAML: export, dry-run import, errors with line and field."""

import pytest

from bot.core.moderation import TermError
from bot.core.transfer import apply_import, export_yaml, plan_import
from tests.core.test_moderation import G1, G2, MOD, raw


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


async def test_export_then_import_round_trips_and_diffs(guilds):
    await guilds.add(G1, raw(), MOD)
    text = await export_yaml(guilds, G1)
    assert "小黑" in text and "server:111" in text
    plan = await plan_import(guilds, G2, "terms.yaml", text)
    assert [t.term for t in plan.added] == ["小黑"] and not plan.changed
    assert await apply_import(guilds, G2, plan, MOD) == 1
    again = await plan_import(guilds, G2, "terms.yaml", text)
    assert [t.term for t in again.unchanged] == ["小黑"] and not again.writes
    changed = await plan_import(guilds, G2, "terms.yaml", text.replace("一只会画画的猫。", "改过了。"))
    assert [t.term for t in changed.changed] == ["小黑"]


async def test_import_errors_name_line_and_field(guilds):
    with pytest.raises(TermError) as exc:
        await plan_import(guilds, G1, "bad.yaml", "- id: x\n  term: X\n  category: nope\n")
    assert "bad.yaml:3: category" in exc.value.values["problems"]


async def test_an_import_is_not_refused_for_a_space_after_chinese_punctuation_it_loses_it(guilds):
    text = ("- id: ours\n  term: 我们的词\n  en: Ours\n  category: slang\n  summary: 一句话。 简介\n"
            "  definition: >-\n    第一句。\n    第二句。\n  sources: ['server:1']\n")
    plan = await plan_import(guilds, G1, "old-export.yaml", text)
    (term,) = plan.added
    assert term.definition == "第一句。第二句。" and term.summary == "一句话。简介"
