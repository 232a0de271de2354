"""`python -m bot migrate-db`: a SQLite deployment copied into PostgreSQL, proven whole, idempotent."""

from datetime import UTC, date, datetime, time

import pytest

from bot.core.daily import DailyConfig
from bot.core.daily_store import DailyStore
from bot.core.gaps import Gaps
from bot.core.glossary import Glossary
from bot.core.guild_settings import GuildSettingsStore
from bot.core.migrate_db import MigrationError, copy_database
from bot.core.moderation import GuildGlossary
from bot.core.proposals import Proposals
from tests.conftest import DATA_DIR
from tests.core.test_moderation import G1, G2, MOD, raw
from tests.support.postgres import run_sync

SNOWFLAKE = 1_234_567_890_123_456_789  # beyond 32 bits: BIGINT on PostgreSQL


async def a_deployment(path) -> None:
    """A SQLite database as a server that used every feature would leave it."""
    glossary, _ = await Glossary.open(path, DATA_DIR)
    try:
        guilds = GuildGlossary(glossary)
        ours = await guilds.add(G1, raw(aliases=["xiaohei"]), MOD)
        await guilds.edit(G1, ours.term.id, raw(definition="改过一次。"), MOD)
        await guilds.edit(G1, "zhalu", raw(term="炸炉", en="Overtrained", definition="我们的说法。"), MOD)
        await guilds.remove(G2, "feidan", SNOWFLAKE)
        await GuildSettingsStore(glossary.db).set(G1, moderator_role_id=SNOWFLAKE, review_channel_id=SNOWFLAKE + 1)
        await Proposals(glossary.db).create(G1, SNOWFLAKE, raw(term="提议", en="Proposal"))
        gaps = Gaps(glossary.db)
        gaps.record(G1, "不存在的词")
        await gaps.flush()
        daily = DailyStore(glossary.db)
        await daily.configure(DailyConfig(SNOWFLAKE, SNOWFLAKE, time(9, 0), "Asia/Shanghai",
                                          active_since=datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=UTC)))
        assert await daily.claim(SNOWFLAKE, date(2026, 3, 1), "zhalu", 0)
        await daily.finish(SNOWFLAKE, date(2026, 3, 1), status="sent", message_id=SNOWFLAKE)
    finally:
        await glossary.close()


async def test_migrate_db_to_postgres_copies_everything_and_the_bot_carries_on(tmp_path, postgres_url):
    await a_deployment(tmp_path / "g.db")
    reports = {r.table: r for r in await copy_database(f"sqlite:///{tmp_path / 'g.db'}", postgres_url)}
    for table in ("terms", "term_names", "term_revisions", "hidden_terms", "guild_settings", "suggestions",
                  "lookup_misses", "daily_config", "daily_posts", "meta"):
        assert reports[table].rows > 0 and reports[table].copied == reports[table].rows, table

    glossary, report = await Glossary.open(postgres_url, DATA_DIR)
    try:
        assert report.skipped  # the shipped glossary came along: no re-sync
        assert (await glossary.define("xiaohei", G1)).term.term.definition == "改过一次。"
        assert (await glossary.define("炸炉", G1)).term.term.definition == "我们的说法。"
        assert (await glossary.define("废丹", G2)).status != "found"
        guilds = GuildGlossary(glossary)
        assert [r.action for r in await guilds.history(G1, "xiao-hei")] == ["edit", "create"]
        assert (await GuildSettingsStore(glossary.db).get(G1)).moderator_role_id == SNOWFLAKE
        (post,) = await DailyStore(glossary.db).posts(SNOWFLAKE)
        assert (post.local_date, post.status, post.message_id) == (date(2026, 3, 1), "sent", SNOWFLAKE)
        config = await DailyStore(glossary.db).config(SNOWFLAKE)
        assert config.active_since == datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=UTC)
        assert await Gaps(glossary.db).top(G1) == [("不存在的词", 1)]
        newer = await guilds.add(G1, raw(term="新词", en="New word"), MOD)  # ids continue after the copied ones
        assert newer.uid > max(s.uid for s in await glossary.store.active_terms() if s.uid != newer.uid)
    finally:
        await glossary.close()


async def test_migrate_db_to_postgres_twice_changes_nothing_and_a_difference_is_caught(tmp_path, postgres_url):
    await a_deployment(tmp_path / "g.db")
    source = f"sqlite:///{tmp_path / 'g.db'}"
    first = await copy_database(source, postgres_url)
    again = await copy_database(source, postgres_url)
    assert [r.copied for r in again] == [0] * len(again)
    assert [(r.table, r.rows, r.checksum) for r in again] == [(r.table, r.rows, r.checksum) for r in first]

    from bot.core.db import open_database

    target = await open_database(postgres_url)
    async with target.transaction() as conn:
        await conn.execute("UPDATE term_revisions SET action = 'tampered' WHERE id = 1")
    await target.close()
    with pytest.raises(MigrationError, match="term_revisions"):
        await copy_database(source, postgres_url)


def test_migrate_db_command_line_to_postgres(tmp_path, postgres_url, capsys, monkeypatch):
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    run_sync(a_deployment(tmp_path / "g.db"))
    assert main(["migrate-db", "--from", f"sqlite:///{tmp_path / 'g.db'}", "--to", postgres_url]) == 0
    assert "verified:" in capsys.readouterr().out
    assert main(["migrate-db", "--from", f"sqlite:///{tmp_path / 'g.db'}", "--to", postgres_url]) == 0
    assert "(0 copied by this run)" in capsys.readouterr().out
    assert main(["migrate-db", "--from", f"sqlite:///{tmp_path / 'missing.db'}", "--to", postgres_url]) == 2
