"""The card renderer: what /define, the daily post and the console all show."""

from bot.core.card import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, TOTAL_LIMIT, build_card, render_text
from bot.core.i18n import EN
from bot.core.models import Category, Term


def term(**kw) -> Term:
    base = dict(id="zhalu", term="炸炉", en="Training collapse", category=Category.SLANG, summary="训练崩了",
                definition="训练过度导致模型崩坏。", aliases=["炸爐"], example="又炸炉了。", related=["lora"],
                sources=["seed:000_11d8d201fd2b4959.txt", "[示例文档](https://example.org/a)", "community"],
                checked="2026-11")
    base.update(kw)
    return Term(**base)


def test_card_shows_every_part_of_a_term():
    card = build_card(term(), related_names=["LoRA"])
    assert card.title == "炸炉 · Training collapse"
    assert card.description == "训练过度导致模型崩坏。"
    fields = {f.name: f.value for f in card.fields}
    assert fields["别名"] == "炸爐"
    assert fields["分类"].startswith("黑话")
    assert fields["例句"] == "又炸炉了。"
    assert fields["相关术语"] == "LoRA"
    sources = fields["来源"].split("\n")
    assert sources == ["《AIGC常见名词解释（字典篇）》", "[示例文档](https://example.org/a)", "社区用法（无书面出处）",
                       "信息核对于 2026-11"]


def test_english_locale_gets_english_labels():
    fields = {f.name for f in build_card(term(), lang=EN, related_names=["LoRA"]).fields}
    assert {"Aliases", "Category", "Example", "Related", "Source"} <= fields


def test_colour_follows_category():
    assert build_card(term()).colour != build_card(term(category=Category.MODEL)).colour


def test_oversized_server_term_is_clipped_to_discord_limits():
    huge = term(definition="字" * 9000, example="例" * 3000, aliases=[f"别名{i}" for i in range(400)],
                sources=["https://example.org/" + "x" * 400] * 5)
    card = build_card(huge, related_names=["名" * 90] * 40, header="📅 今日术语")
    assert len(card.description) <= DESCRIPTION_LIMIT
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in card.fields)
    assert card.total_length() <= TOTAL_LIMIT
    assert card.fields[0].value.endswith("…")  # a cut list says so instead of ending mid-name


def test_console_text_contains_the_card():
    text = render_text(build_card(term(), related_names=["LoRA"]))
    assert "炸炉 · Training collapse" in text and "训练过度" in text and "LoRA" in text
