"""/search's full-text backends: SQLite FTS5 and PostgreSQL pg_trgm answer alike."""

import pytest

from bot.core.fulltext import PostgresFullText, SqliteFullText, like_pattern
from bot.core.moderation import GuildGlossary
from tests.core.test_moderation import G1, G2, MOD, raw


@pytest.fixture
def database_target(backend_target):
    """Every test here runs on SQLite and on PostgreSQL ([sqlite] / [postgres])."""
    return backend_target


def slugs(entries) -> list[str]:
    return [e.slug for e in entries]


async def test_the_backend_follows_the_database(glossary):
    expected = SqliteFullText if glossary.db.dialect == "sqlite" else PostgresFullText
    assert isinstance(glossary.fulltext, expected)


async def test_a_long_query_finds_definitions_and_the_named_term_first(glossary):
    found = slugs(await glossary.search_text("学习率过高"))
    assert "zhalu" in found
    named = slugs(await glossary.search_text("炸炉"))
    assert named[0] == "zhalu" and len(named) > 1  # the name first, then terms that mention it


async def test_one_and_two_character_queries(glossary):
    assert "zhalu" in slugs(await glossary.search_text("噪点"))
    assert len(await glossary.search_text("炉")) > 1


async def test_latin_text_is_matched_without_case(glossary):
    assert slugs(await glossary.search_text("OVERTRAINED"))[:1] == ["zhalu"]


async def test_like_wildcards_are_taken_literally():
    assert like_pattern("50%_a\\") == "%50\\%\\_a\\\\%"


async def test_a_wildcard_query_matches_only_itself(glossary):
    assert await glossary.search_text("%%%") == []
    assert await glossary.search_text("s_a_b_l_e") == []  # "_" is no single-character wildcard


async def test_a_servers_term_is_searchable_at_once_there_only_and_gone_when_removed(glossary):
    guilds = GuildGlossary(glossary)
    stored = await guilds.add(G1, raw(definition="一只会画扩散模型的猫。"), MOD)
    assert stored.term.id in slugs(await glossary.search_text("会画扩散模型的猫", G1))
    assert await glossary.search_text("会画扩散模型的猫", G2) == []
    await guilds.edit(G1, stored.term.id, raw(definition="改成一只狗。"), MOD)
    assert await glossary.search_text("会画扩散模型的猫", G1) == []
    assert stored.term.id in slugs(await glossary.search_text("改成一只狗", G1))
    await guilds.remove(G1, stored.term.id, MOD)
    assert await glossary.search_text("改成一只狗", G1) == []
