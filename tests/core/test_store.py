"""The shipped-glossary sync into SQLite."""

import dataclasses
import sqlite3

import pytest

from bot.core.db import Database, migration_scripts, open_database
from bot.core.db_postgres import migration_scripts as pg_migration_scripts
from bot.core.keys import compute_keys
from bot.core.models import Category, Term
from bot.core.store import TermStore, term_values
from tests.support.postgres import BACKENDS


def make(slug: str, definition: str = "定义。", **kw) -> Term:
    return Term(id=slug, term=slug.upper(), en=slug, category=Category.CONCEPT, summary="摘要",
                definition=definition, sources=["seed:x"], **kw)


@pytest.fixture(params=BACKENDS)
async def store(request, tmp_path):
    """An empty database of each backend: [sqlite] a new file in a new folder, [postgres] a new database."""
    target = tmp_path / "nested" / "dir" / "g.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = await open_database(target)
    yield TermStore(db)
    await db.close()


async def test_database_directory_is_created_in_wal_mode_with_all_migrations(tmp_path):
    db = await Database.open(tmp_path / "nested" / "dir" / "g.db")
    try:
        assert (tmp_path / "nested" / "dir" / "g.db").exists()
        row = await db.fetchone("PRAGMA journal_mode")
        assert row[0] == "wal"
        assert await db.schema_version() == migration_scripts()[-1][0]
    finally:
        await db.close()


async def test_every_migration_is_applied_and_recorded(store):
    scripts = migration_scripts() if store.db.dialect == "sqlite" else pg_migration_scripts()
    rows = await store.db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [(r[0], r[1]) for r in rows] == [(v, n) for v, n, _ in scripts]


def test_every_sqlite_migration_has_a_postgres_mirror():
    """Every SQLite schema version exists on PostgreSQL under the same name, so a feature's tables exist
    on either; PostgreSQL alone has the change feed that keeps several processes' indexes in step."""
    postgres = {(v, n) for v, n, _ in pg_migration_scripts()}
    assert {(v, n) for v, n, _ in migration_scripts()} <= postgres
    assert {n for _, n in postgres - {(v, n) for v, n, _ in migration_scripts()}} == {"0799_change_feed.sql"}


async def test_first_sync_adds_then_unchanged_data_is_skipped(store):
    terms = [make("a"), make("b")]
    first = await store.sync_shipped(terms)
    assert (first.skipped, first.added) == (False, 2)
    again = await store.sync_shipped(terms)
    assert again.skipped
    assert await store.count() == 2


async def test_changed_terms_update_and_removed_terms_go(store):
    await store.sync_shipped([make("a"), make("b"), make("c")])
    before = {s.term.id: s.uid for s in await store.active_terms()}
    report = await store.sync_shipped([make("a"), make("b", "新的定义。")])
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 1, 1)
    after = {s.term.id: s for s in await store.active_terms()}
    assert set(after) == {"a", "b"}
    assert after["b"].term.definition == "新的定义。"
    assert after["b"].uid == before["b"]  # updated in place: buttons and history keep pointing at it


async def test_sync_never_touches_a_servers_rows(store):
    await store.sync_shipped([make("a")])
    own = dataclasses.replace(make("a", "服务器自己的版本。"), guild_id=99)
    values = term_values(own)
    async with store.db.transaction() as conn:
        await conn.execute(
            f"INSERT INTO terms ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})", values
        )
    await store.sync_shipped([make("b")])  # shipped "a" removed
    rows = {(s.term.guild_id, s.term.id): s.term.definition for s in await store.active_terms()}
    assert rows == {(0, "b"): "定义。", (99, "a"): "服务器自己的版本。"}


async def test_a_failing_sync_leaves_the_previous_state(store):
    await store.sync_shipped([make("a")])
    broken = make("b")
    broken.guild_id = 5  # shipped terms must carry guild 0: the sync raises midway
    with pytest.raises(ValueError):
        await store.sync_shipped([make("c"), broken])
    assert [s.term.id for s in await store.active_terms()] == ["a"]


async def test_a_sync_of_thousands_writes_every_term_in_order_or_none(store):
    terms = [make(f"t{i}", f"第{i}个定义。", aliases=[f"别名{i}"]) for i in range(2500)]  # several write batches
    await store.sync_shipped([make("a")])
    with pytest.raises(store.db.IntegrityError):
        await store.sync_shipped([*terms, make("t7")])  # the same id twice, in the last batch
    assert [s.term.id for s in await store.active_terms()] == ["a"]
    report = await store.sync_shipped(terms)
    assert (report.added, report.removed) == (2500, 1)
    stored = sorted(await store.active_terms(), key=lambda s: s.uid)
    assert [s.term for s in stored] == terms
    assert all(s.keys == compute_keys(t.names) for s, t in zip(stored, terms, strict=True))


async def test_stored_terms_round_trip_with_their_search_keys(store):
    term = make("x", aliases=["别名", "alias"], related=["a"], example="例子")
    await store.sync_shipped([term])
    (stored,) = await store.active_terms()
    assert stored.term == term
    assert stored.keys == stored.keys.deserialize(stored.keys.serialize())


async def test_reopening_applies_no_migration_twice(tmp_path):
    path = tmp_path / "g.db"
    db = await Database.open(path)
    await db.close()
    db = await Database.open(path)
    versions = [r[0] for r in await db.fetchall("SELECT version FROM schema_migrations")]
    await db.close()
    assert versions == sorted(set(versions))
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_two_processes_opening_one_new_postgres_database_migrate_it_once(postgres_url):
    """The advisory lock: concurrent start-ups wait for each other, and each version is applied once."""
    import asyncio

    from bot.core.db_postgres import PostgresDatabase

    first, second = await asyncio.gather(PostgresDatabase.open(postgres_url), PostgresDatabase.open(postgres_url))
    try:
        versions = [r[0] for r in await first.fetchall("SELECT version FROM schema_migrations")]
        assert versions == [v for v, _, _ in pg_migration_scripts()]
        assert await second.schema_version() == versions[-1]
    finally:
        await first.close()
        await second.close()
