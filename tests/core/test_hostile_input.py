"""Hostile input never stalls or breaks the core: YAML bombs, invisible names, surrogates, old keys."""

import time

import pytest

from bot.core.glossary import Glossary
from bot.core.loader import GlossaryError, parse_documents
from bot.core.moderation import TermError, term_from_input
from bot.core.normalize import normalize
from tests.conftest import DATA_DIR

TERM = """\
- id: x
  term: X
  en: X
  category: slang
  summary: s
  definition: d
  sources: [community]
"""

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


def problems_of(text: str) -> list:
    with pytest.raises(GlossaryError) as err:
        parse_documents([("up.yaml", text)])
    return err.value.problems


def test_an_alias_bomb_is_refused_at_once_naming_the_line():
    bomb = "- id: x\n  term: X\n  aliases: *j\n" + ALIAS_BOMB.replace("\n", "\n  ")
    started = time.process_time()
    (problem,) = problems_of("- id: x\n  term: X\n  " + ALIAS_BOMB.replace("\n", "\n  ").rstrip() + "\n")
    assert "aliases" in problem.message and problem.line == 4 and problem.file == "up.yaml"
    assert time.process_time() - started < 5  # guards the suite against a hang, not a timing claim
    assert len(str(problems_of(bomb)[0])) < 300  # no repr of the expanded value


def test_deep_nesting_is_named_not_a_generic_error():
    (problem,) = problems_of("[" * 10_000 + "]" * 10_000)
    assert "nested more than" in problem.message


def test_a_non_text_field_name_is_refused():
    (problem,) = problems_of("- {[a, b]: 1}\n")
    assert "field name" in problem.message


@pytest.mark.parametrize("name", ["\u200b", "\u200d\u200d", "\u00ad", "炸\u200b炉", "abc\u202edef", "a\x00b", "a\x1bb"])
def test_invisible_and_control_characters_are_refused_in_names(name):
    (problem,) = problems_of(TERM.replace("term: X", f"term: {name!r}".replace("'", '"')))
    assert problem.field == "term" and ("invisible" in problem.message or "no letters" in problem.message)
    with pytest.raises(TermError):
        term_from_input(1, {"term": "ok", "en": "ok", "aliases": [name], "category": "slang", "summary": "s",
                            "definition": "d"})


@pytest.mark.parametrize("text", ["\ud800", "炸\udfff炉", "\u202e", "x" * 100_000])
def test_normalize_takes_any_string(text):
    assert isinstance(normalize(text), str)


async def test_queries_fold_away_invisible_characters(glossary):
    assert (await glossary.define("炸\u200b炉")).term.term.id == "zhalu"
    assert (await glossary.define("\ud800")).status == "not_found"
    assert glossary.complete("\ud800炸") is not None


async def test_an_upgrade_rekeys_terms_written_under_the_old_normalisation(tmp_path):
    """A database from before this normalisation: stale keys everywhere, version 1. One start-up fixes it."""
    glossary, _ = await Glossary.open(tmp_path / "g.db", DATA_DIR)
    db = glossary.db
    await db.conn.execute("INSERT INTO terms (guild_id, slug, term, en, category, summary, definition, content_hash,"
                          " search_keys) VALUES (5, 'ours', '我们\u200b的词', '', 'slang', 's', 'd', 'h', '')")
    await db.conn.execute("UPDATE terms SET search_keys = ''")  # what an old release would not recognise as current
    await db.conn.execute("UPDATE meta SET value = '1' WHERE key = 'search_keys_version'")
    await glossary.close()
    reopened, _ = await Glossary.open(tmp_path / "g.db", DATA_DIR)
    try:
        assert (await reopened.define("炸炉")).term.term.id == "zhalu"
        assert (await reopened.define("我们的词", 5)).term.term.id == "ours"
        row = await reopened.db.fetchone("SELECT norm FROM term_names WHERE guild_id = 5")
        assert row["norm"] == "我们的词"
    finally:
        await reopened.close()
