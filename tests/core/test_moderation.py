"""A server's own glossary, tested directly against SQLite and the live search index."""

import asyncio

import pytest

from bot.core.guild_extras import Gaps, Suggestions, apply_import, export_yaml, plan_import
from bot.core.moderation import GuildGlossary, TermError

G1, G2 = 111, 222
MOD = 7


def raw(term="小黑", en="Our mascot", aliases=(), summary="本服务器的吉祥物。", definition="一只会画画的猫。", **kw):
    return {"term": term, "en": en, "aliases": list(aliases), "category": "slang", "summary": summary,
            "definition": definition, **kw}


@pytest.fixture
async def guilds(glossary):
    return GuildGlossary(glossary)


async def test_added_terms_are_searchable_at_once_and_only_in_their_server(guilds, glossary):
    stored = await guilds.add(G1, raw(aliases=["xiaohei"]), MOD)
    assert (await glossary.define("小黑", G1)).term.uid == stored.uid
    assert (await glossary.define("xiaohei", G1)).term.uid == stored.uid
    assert (await glossary.define("小黑", G2)).status != "found"
    assert (await glossary.define("小黑")).status != "found"
    assert stored.term.sources == [f"server:{G1}"]


async def test_a_name_already_used_is_refused_naming_the_owner(guilds):
    await guilds.add(G1, raw(), MOD)
    with pytest.raises(TermError) as own:
        await guilds.add(G1, raw(term="另一个", aliases=["小黑"]), MOD)
    assert own.value.key == "mod.name_taken" and own.value.values["owner"] == "小黑"
    with pytest.raises(TermError) as shipped:
        await guilds.add(G1, raw(term="我的炉", aliases=["炸爐"]), MOD)
    assert shipped.value.values["owner"] == "炸炉"
    await guilds.add(G2, raw(), MOD)  # another server may use the same name


async def test_concurrent_adds_of_one_name_leave_exactly_one(guilds, glossary):
    results = await asyncio.gather(*(guilds.add(G1, raw(en=f"Mascot {i}"), MOD + i) for i in range(5)),
                                   return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, TermError) for r in results if isinstance(r, Exception))
    assert len(await guilds.own_terms(G1)) == 1


async def test_editing_a_shipped_term_makes_a_server_version_and_restore_brings_back_the_original(guilds, glossary):
    edited = await guilds.edit(G1, "zhalu", raw(term="炸炉", en="Blown furnace", definition="我们服务器的说法。"), MOD)
    assert (await glossary.define("炸炉", G1)).term.term.definition == "我们服务器的说法。"
    assert (await glossary.define("炸炉", G2)).term.term.guild_id == 0  # untouched elsewhere
    assert edited.term.guild_id == G1
    restored = await guilds.restore(G1, "zhalu", MOD)
    assert restored.term.guild_id == 0
    assert (await glossary.define("炸炉", G1)).term.term.guild_id == 0


async def test_remove_is_soft_and_restorable(guilds, glossary):
    await guilds.add(G1, raw(), MOD)
    slug = (await guilds.own_terms(G1))[0].term.id
    await guilds.remove(G1, slug, MOD)
    assert (await glossary.define("小黑", G1)).status != "found"
    await guilds.restore(G1, slug, MOD)
    assert (await glossary.define("小黑", G1)).status == "found"


async def test_removing_a_shipped_term_hides_it_in_that_server_only(guilds, glossary):
    await guilds.remove(G1, "zhalu", MOD)
    assert (await glossary.define("炸炉", G1)).status != "found"
    assert "zhalu" not in glossary.visible_slugs(G1)
    assert (await glossary.define("炸炉", G2)).status == "found"
    await guilds.restore(G1, "zhalu", MOD)
    assert (await glossary.define("炸炉", G1)).status == "found"


async def test_history_and_revert(guilds, glossary):
    first = await guilds.add(G1, raw(), MOD)
    slug = first.term.id
    await guilds.edit(G1, slug, raw(definition="第二版。"), MOD + 1)
    await guilds.remove(G1, slug, MOD + 2)
    history = await guilds.history(G1, slug)
    assert [r.action for r in history] == ["remove", "edit", "create"]
    assert [r.actor_id for r in history] == [MOD + 2, MOD + 1, MOD]
    await guilds.revert(G1, history[-1].id, MOD)  # back to the very first version, even after removal
    assert (await glossary.define("小黑", G1)).term.term.definition == "一只会画画的猫。"


async def test_bad_input_is_refused_and_changes_nothing(guilds):
    with pytest.raises(TermError) as exc:
        await guilds.add(G1, raw(summary="长" * 101, term=""), MOD)
    assert "summary" in exc.value.values["problems"] and "term" in exc.value.values["problems"]
    assert await guilds.own_terms(G1) == []


async def test_a_reload_of_shipped_data_keeps_servers_terms(guilds, glossary, tmp_path):
    from bot.core.glossary import Glossary
    from tests.conftest import DATA_DIR

    await guilds.add(G1, raw(), MOD)
    await guilds.remove(G1, "zhalu", MOD)
    await glossary.store.db.conn.execute("DELETE FROM meta")  # force a full re-sync, as after an upgrade
    reopened, report = await Glossary.open(glossary.db.path, DATA_DIR)
    try:
        await GuildGlossary(reopened).load_hidden()
        assert not report.skipped
        assert (await reopened.define("小黑", G1)).status == "found"
        assert (await reopened.define("炸炉", G1)).status != "found"
        assert len(await GuildGlossary(reopened).history(G1, "zhalu")) == 1
    finally:
        await reopened.close()


async def test_gaps_count_normalised_misses_per_server(glossary):
    gaps = Gaps(glossary.db)
    for query in ("ＦＯＯ ｂａｒ", "foo-bar", "Foo Bar", "其他"):
        await gaps.record(G1, query)
    await gaps.record(G2, "foobar")
    assert await gaps.top(G1) == [("foobar", 3), ("其他", 1)]
    assert await gaps.top(G2) == [("foobar", 1)]


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


async def test_suggestion_approve_once(guilds, glossary):
    suggestions = Suggestions(glossary.db)
    s = await suggestions.create(G1, 42, raw())
    assert await suggestions.decide(s.id, "approved", MOD)
    assert not await suggestions.decide(s.id, "rejected", MOD)  # a second click changes nothing
    assert (await suggestions.get(s.id)).status == "approved"


async def test_restorable_lists_removed_hidden_and_overridden_terms(guilds):
    stored = await guilds.add(G1, raw(), MOD)
    await guilds.remove(G1, stored.term.id, MOD)
    await guilds.remove(G1, "feidan", MOD)
    await guilds.edit(G1, "zhalu", raw(term="炸炉", definition="我们的说法。"), MOD)
    assert set(await guilds.restorable(G1)) == {(stored.term.id, "小黑"), ("feidan", "废丹"), ("zhalu", "炸炉")}
    assert await guilds.restorable(G2) == []
