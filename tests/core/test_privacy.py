"""Forgetting a server: every table, the live search index, and the 30 days after the bot leaves."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.daily import DailyConfig, parse_time
from bot.core.privacy import GUILD_TABLES, RETENTION
from bot.core.services import Services

G1, G2 = 111, 222
MOD, MEMBER = 7, 8
LORA = "lora"
LEFT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def raw(term="小黑", en="Our mascot"):
    return {"term": term, "en": en, "aliases": ["xiaohei"], "category": "slang", "summary": "本服务器的吉祥物。",
            "definition": "一只会画画的猫。"}


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


async def fill(services: Services, guild_id: int) -> None:
    """One of everything a server can leave behind."""
    terms = services.terms
    await terms.add(guild_id, raw(), MOD)
    zhalu = (await services.glossary.define("炸炉", guild_id)).term.term
    await terms.edit(guild_id, zhalu.id, {**zhalu.to_dict(), "definition": "我们这里的说法。"}, MOD)  # an override
    await terms.remove(guild_id, LORA, MOD)  # a hidden shipped term
    services.gaps.record(guild_id, "完全没有的词")
    await services.gaps.flush()
    services.gaps.record(guild_id, "还没写入的词")  # still only in memory
    services.stats.record(guild_id, "adetailer", LEFT)  # a lookup: its term's count and its day's total
    await services.proposals.create(guild_id, MEMBER, raw("大白", "Big white"))
    await services.settings.set(guild_id, review_channel_id=5, moderator_role_id=6)
    config = DailyConfig(guild_id, 9, parse_time("09:00"), "Asia/Shanghai", active_since=LEFT)
    await services.daily.configure(config)
    await services.daily.claim(guild_id, date(2026, 3, 1), LORA, 0)
    await services.reports.add(guild_id, MEMBER, zhalu.id, shipped=False, note="写错了", now=LEFT)
    await services.privacy.left(guild_id, LEFT)


async def rows_per_table(services: Services, guild_id: int) -> dict[str, int]:
    db = services.glossary.db
    if db.dialect == "sqlite":
        tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    else:
        tables = [r[0] for r in await db.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")]
    counts = {}
    for table in tables:
        if db.dialect == "sqlite":
            columns = [c[1] for c in await db.fetchall(f"PRAGMA table_info({table})")]
        else:
            columns = [r[0] for r in await db.fetchall(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,))]
        if "guild_id" in columns:
            counts[table] = (await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ?", (guild_id,)))[0]
    return counts


async def test_every_table_with_server_data_is_purged(services):
    counts = await rows_per_table(services, G1)
    assert set(counts) == set(GUILD_TABLES), "a table holds server data that a purge would leave behind"


async def test_purge_forgets_one_server_everywhere_and_at_once(services, glossary):
    await fill(services, G1)
    await fill(services, G2)
    before = await rows_per_table(services, G1)
    assert all(before[t] for t in GUILD_TABLES if t != "lookup_misses")

    db = glossary.db
    uids = [r[0] for r in await db.fetchall("SELECT uid FROM terms WHERE guild_id = ?", (G1,))]
    report = await services.privacy.purge(G1)
    marks = ",".join("?" * len(uids))
    # Full-text rows follow the terms: SQLite's FTS5 tables by triggers, PostgreSQL's index is on terms itself.
    for fts in ("terms_fts", "terms_chars") if db.dialect == "sqlite" else ():
        assert (await db.fetchone(f"SELECT COUNT(*) FROM {fts} WHERE rowid IN ({marks})", uids))[0] == 0
    assert report.terms == 2  # 小黑 and the 炸炉 override
    assert all(n == 0 for n in (await rows_per_table(services, G1)).values())
    assert await rows_per_table(services, G2) == {**before, "lookup_misses": 2}

    assert (await glossary.define("xiaohei", G1)).status != "found"
    assert all("小黑" not in c.name for c in glossary.complete("小黑", G1))
    zhalu = (await glossary.define("炸炉", G1)).term
    assert zhalu.term.guild_id == 0 and zhalu.term.definition != "我们这里的说法。"  # the shipped original again
    assert (await glossary.define("lora", G1)).status == "found"  # no longer hidden
    assert glossary.complete("", G1)[0].value == "id:zhalu"  # its lookups no longer lead its box
    assert glossary.complete("", G2)[0].value == "id:adetailer"  # the other server's still do
    assert not [e for _, e in glossary.mentions("群里的小黑又出图了", G1) if e.guild_id == G1]
    assert not [e for e in await glossary.search_text("会画画的猫", G1) if e.guild_id == G1]
    assert (await glossary.define("xiaohei", G2)).term.term.term == "小黑"  # the other server keeps its own
    assert "小黑" in [e.term for _, e in glossary.mentions("群里的小黑又出图了", G2)]
    assert (await glossary.define("lora", G2)).status != "found"


async def test_shipped_glossary_cannot_be_purged(services):
    with pytest.raises(ValueError):
        await services.privacy.purge(0)


async def test_a_server_left_is_kept_thirty_days_then_purged(services, glossary):
    await fill(services, G1)
    privacy = services.privacy
    assert await privacy.purge_due(LEFT + RETENTION - timedelta(minutes=1)) == []
    assert (await glossary.define("xiaohei", G1)).status == "found"
    (report,) = await privacy.purge_due(LEFT + RETENTION)
    assert report.guild_id == G1 and report.terms == 2
    assert (await glossary.define("xiaohei", G1)).status != "found"
    assert await privacy.departures() == {}


async def test_a_server_that_comes_back_keeps_its_data(services, glossary):
    await fill(services, G1)
    await fill(services, G2)
    privacy = services.privacy
    assert await privacy.returned(G1)
    await privacy.left(G2, LEFT + timedelta(days=1))  # a second notice keeps the first time
    assert await privacy.departures() == {G2: LEFT}
    reports = await privacy.purge_due(LEFT + timedelta(days=60), present={G2})  # back while the bot was offline
    assert reports == [] and await privacy.departures() == {}
    assert (await glossary.define("xiaohei", G1)).status == "found"
    assert (await glossary.define("xiaohei", G2)).status == "found"
