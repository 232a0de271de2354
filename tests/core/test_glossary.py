"""Lookups over the real shipped glossary, as /define and the console see them."""

from bot.core.card import DESCRIPTION_LIMIT, FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT, TITLE_LIMIT, TOTAL_LIMIT
from bot.core.glossary import AUTOCOMPLETE_LIMIT, CHOICE_NAME_LIMIT, choice_value
from bot.core.i18n import EN, ZH


async def test_exact_name_answers_with_the_term(glossary):
    result = await glossary.define("炸炉")
    assert result.status == "found"
    assert result.term.term.id == "zhalu"


async def test_case_and_full_width_are_ignored(glossary):
    for query in ("lora", "ＬｏＲＡ", " LoRA "):
        result = await glossary.define(query)
        assert result.status == "found" and result.term.term.id == "lora", query


async def test_gibberish_is_not_answered(glossary):
    result = await glossary.define("qxzjvkw")
    assert result.status == "not_found" and result.term is None


async def test_autocomplete_choices_fit_discord(glossary):
    for query in ("", "s", "炸", "lo", "--", "/im", "zhalu"):
        choices = glossary.complete(query)
        assert 0 < len(choices) <= AUTOCOMPLETE_LIMIT, query
        for c in choices:
            assert 1 <= len(c.name) <= CHOICE_NAME_LIMIT and len(c.value) <= 100


async def test_picking_a_choice_opens_exactly_that_term(glossary):
    for stored in await glossary.store.active_terms():
        result = await glossary.define(choice_value(stored.term.id))
        assert result.term is not None and result.term.uid == stored.uid


async def test_every_shipped_card_fits_discord_limits(glossary):
    for stored in await glossary.store.active_terms():
        for lang in (ZH, EN):
            card = await glossary.card(stored, 0, lang=lang, header="📅 今日术语 · 2026-11-22")
            assert len(card.title) <= TITLE_LIMIT
            assert len(card.description) <= DESCRIPTION_LIMIT
            assert len(card.fields) <= 25
            assert all(len(f.name) <= FIELD_NAME_LIMIT and len(f.value) <= FIELD_VALUE_LIMIT for f in card.fields)
            assert card.total_length() <= TOTAL_LIMIT


async def test_related_terms_resolve_to_names(glossary):
    stored = (await glossary.define("炸炉")).term
    names = await glossary.related_names(stored.term, 0)
    assert names and len(names) == len(stored.term.related)
