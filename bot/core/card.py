"""One renderer for a term card; the console prints it, the bot turns it into an embed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.i18n import EN, TW, ZH, t, to_taiwan
from bot.core.models import SHIPPED, Category, Term
from bot.core.sources import source_label
from bot.core.text import clip

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000

_MASKED_LINK = re.compile(r"\[([^\[\]\n]+)\]\((https?://[^\s()]+)\)")

CATEGORY_COLOURS: dict[Category, int] = {
    Category.SLANG: 0xE67E22,
    Category.ABBREVIATION: 0x3498DB,
    Category.CONCEPT: 0x9B59B6,
    Category.MODEL: 0x1ABC9C,
    Category.TOOL: 0x2ECC71,
    Category.PARAMETER: 0xF1C40F,
    Category.COMMAND: 0x5865F2,
    Category.PRODUCT: 0xE91E63,
}


@dataclass(frozen=True, slots=True)
class CardField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    description: str
    colour: int
    fields: list[CardField] = field(default_factory=list)
    header: str = ""  # e.g. the term-of-the-day banner, shown as the embed author
    footer: str = ""

    def total_length(self) -> int:
        return (
            len(self.title) + len(self.description) + len(self.header) + len(self.footer)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


def _join_within(items: list[str], sep: str, limit: int) -> str:
    """Join whole items only, so a list never ends in half a name."""
    out: list[str] = []
    used = 0
    for item in items:
        extra = len(item) + (len(sep) if out else 0)
        if used + extra > limit - 2:
            out.append("…")
            break
        out.append(item)
        used += extra
    return sep.join(out)


def _sources_text(term: Term, lang: str) -> str:
    server, community = t("card.server_source", lang), t("card.community_source", lang)
    labels = [source_label(s, lang, server, community) for s in term.sources]
    if term.checked:
        labels.append(t("card.checked", lang, month=term.checked))
    return _join_within(labels, "\n", FIELD_VALUE_LIMIT)


def build_card(
    term: Term,
    *,
    lang: str = ZH,
    related_names: list[str] | None = None,
    header: str = "",
) -> Card:
    """The card for one term. related_names are the display names of visible related terms."""
    title = term.term if not term.en or term.en == term.term else f"{term.term} · {term.en}"
    category = term.category.label_en if lang == EN else term.category.label_zh
    if lang != EN:
        category = f"{term.category.label_zh} · {term.category.label_en}"
    fields: list[CardField] = []
    aliases = [a for a in term.aliases if a not in (term.term, term.en)]
    if aliases:
        fields.append(CardField(t("card.aliases", lang), _join_within(aliases, "、", FIELD_VALUE_LIMIT), True))
    fields.append(CardField(t("card.category", lang), category, True))
    if term.example:
        fields.append(CardField(t("card.example", lang), clip(term.example, FIELD_VALUE_LIMIT)))
    if related_names:
        fields.append(CardField(t("card.related", lang), _join_within(related_names, "、", FIELD_VALUE_LIMIT)))
    if term.sources:
        fields.append(CardField(t("card.sources", lang), _sources_text(term, lang)))
    footer = t("card.footer_shipped" if term.guild_id == SHIPPED else "card.footer", lang)
    description = term.definition
    if lang == TW:  # the glossary is written in Simplified Chinese; zh-TW readers get it converted
        title, description = to_taiwan(title), to_taiwan(description)
        fields = [CardField(f.name, clip(to_taiwan(f.value), FIELD_VALUE_LIMIT), f.inline) for f in fields]
        header = to_taiwan(header)
    card = Card(
        title=clip(title, TITLE_LIMIT),
        description=clip(description, DESCRIPTION_LIMIT),
        colour=CATEGORY_COLOURS[term.category],
        fields=fields,
        header=clip(header, 256),
        footer=footer,
    )
    if card.total_length() > TOTAL_LIMIT:  # only reachable with extreme server-made terms
        over = card.total_length() - TOTAL_LIMIT
        card = Card(card.title, clip(card.description, len(card.description) - over - 1),
                    card.colour, card.fields, card.header, card.footer)
    return card


def daily_header(date_text: str, lang: str = ZH) -> str:
    return t("card.daily", lang, date=date_text)


def render_text(card: Card) -> str:
    """Plain-text form of a card for the offline console."""
    lines = []
    if card.header:
        lines.append(card.header)
    lines += [f"【{card.title}】", "", card.description, ""]
    for f in card.fields:
        value = _MASKED_LINK.sub(r"\1 <\2>", f.value).replace("\n", "\n  ")
        lines.append(f"■ {f.name}:\n  {value}" if "\n" in f.value else f"■ {f.name}: {value}")
    if card.footer:
        lines += ["", f"— {card.footer}"]
    return "\n".join(lines)
