"""A server's own glossary, tested directly against each database backend and the live search index."""

import asyncio
import shutil
from pathlib import Path

import pytest
import yaml

from bot.core.moderation import GuildGlossary, TermError
from tests.conftest import DATA_DIR

G1, G2 = 111, 222
MOD = 7


def raw(term="小黑", en="Our mascot", aliases=(), summary="本服务器的吉祥物。", definition="一只会画画的猫。", **kw):
    return {"term": term, "en": en, "aliases": list(aliases), "category": "slang", "summary": summary,
            "definition": definition, **kw}


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


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


async def test_a_reload_of_shipped_data_keeps_servers_terms(guilds, glossary, database_target):
    from bot.core.glossary import Glossary
    from tests.conftest import DATA_DIR

    await guilds.add(G1, raw(), MOD)
    await guilds.remove(G1, "zhalu", MOD)
    async with glossary.db.transaction() as conn:
        await conn.execute("DELETE FROM meta")  # force a full re-sync, as after an upgrade
    reopened, report = await Glossary.open(database_target, DATA_DIR)
    try:
        assert not report.skipped
        assert (await reopened.define("小黑", G1)).status == "found"
        assert (await reopened.define("炸炉", G1)).status != "found"
        assert len(await GuildGlossary(reopened).history(G1, "zhalu")) == 1
    finally:
        await reopened.close()


async def test_restorable_lists_removed_hidden_and_overridden_terms(guilds):
    stored = await guilds.add(G1, raw(), MOD)
    await guilds.remove(G1, stored.term.id, MOD)
    await guilds.remove(G1, "feidan", MOD)
    await guilds.edit(G1, "zhalu", raw(term="炸炉", definition="我们的说法。"), MOD)
    assert set(await guilds.restorable(G1)) == {(stored.term.id, "小黑"), ("feidan", "废丹"), ("zhalu", "炸炉")}
    assert await guilds.restorable(G2) == []


def shipped_update(tmp_path, change) -> Path:
    """A copy of data/ as a later release might ship it: the 炸炉 term changed by change(term)."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for path in data.glob("*.yaml"):
        terms = yaml.safe_load(path.read_text(encoding="utf-8"))
        for term in terms:
            if term["id"] == "zhalu":
                term.setdefault("aliases", [])
                change(term)
                path.write_text(yaml.safe_dump(terms, allow_unicode=True, width=10_000), encoding="utf-8")
                return data
    raise AssertionError("zhalu is not in data/")


async def test_a_shipped_update_never_touches_a_servers_term_that_already_has_its_name(guilds, database_target, tmp_path):
    """Upgrades add shipped names a server may already use: start-up still works, the server's term
    still wins in its server, and a moderator can still edit it."""
    from bot.core.glossary import Glossary

    ours = await guilds.add(G1, raw(term="我们的炉", aliases=["新名字"]), MOD)
    data = shipped_update(tmp_path, lambda t: t["aliases"].append("新名字"))
    upgraded, report = await Glossary.open(database_target, data)
    try:
        assert report.updated >= 1
        assert (await upgraded.define("新名字", G1)).term.uid == ours.uid  # the server's term wins here
        assert (await upgraded.define("新名字", G2)).term.term.id == "zhalu"  # the new alias works elsewhere
        edited = await GuildGlossary(upgraded).edit(G1, ours.term.id, raw(term="我们的炉", aliases=["新名字"],
                                                                           definition="改了一句。"), MOD)
        assert edited.term.definition == "改了一句。"
    finally:
        await upgraded.close()


async def test_moderators_see_when_the_original_of_their_override_changed(guilds, glossary, database_target, tmp_path):
    from bot.core.glossary import Glossary

    await guilds.edit(G1, "zhalu", raw(term="炸炉", definition="我们的说法。"), MOD)
    assert await guilds.shipped_update(G1, "zhalu") is None
    async with glossary.db.transaction() as conn:
        await conn.execute("UPDATE terms SET updated_at = '2000-01-01T00:00:00Z' WHERE guild_id = ?", (G1,))
    data = shipped_update(tmp_path, lambda t: t.update(priority=3))
    upgraded, _ = await Glossary.open(database_target, data)
    try:
        assert await GuildGlossary(upgraded).shipped_update(G1, "zhalu") is not None
        assert await GuildGlossary(upgraded).shipped_update(G2, "zhalu") is None  # G2 has no override
        assert (await upgraded.define("炸炉", G1)).term.term.definition == "我们的说法。"  # the override still wins
    finally:
        await upgraded.close()
