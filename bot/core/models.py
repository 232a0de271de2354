"""The term model shared by every layer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

SHIPPED = 0  # guild_id of the glossary that ships in data/


def names_of(term: str, en: str, aliases: Iterable[str]) -> list[str]:
    """Every string a user may type to mean a term, display name first, each once."""
    return list(dict.fromkeys(name for name in (term, en, *aliases) if name))


class Category(StrEnum):
    SLANG = "slang"
    ABBREVIATION = "abbreviation"
    CONCEPT = "concept"
    MODEL = "model"
    TOOL = "tool"
    PARAMETER = "parameter"
    COMMAND = "command"
    PRODUCT = "product"

    @property
    def label_zh(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS: dict[Category, tuple[str, str]] = {
    Category.SLANG: ("黑话", "Slang"),
    Category.ABBREVIATION: ("缩写", "Abbreviation"),
    Category.CONCEPT: ("概念", "Concept"),
    Category.MODEL: ("模型", "Model"),
    Category.TOOL: ("工具", "Tool"),
    Category.PARAMETER: ("参数", "Parameter"),
    Category.COMMAND: ("命令", "Command"),
    Category.PRODUCT: ("产品", "Product"),
}

# Schema limits. Discord's own limits are stricter in places; the card renderer
# truncates with care, these keep the data itself sane.
MAX_TERM = 80
MAX_EN = 100
MAX_ALIAS = 80
MAX_ALIASES = 20
MAX_SUMMARY = 100
MAX_DEFINITION = 1500
MAX_EXAMPLE = 600
MAX_RELATED = 12
MAX_SOURCES = 5


@dataclass(slots=True)
class Term:
    """One glossary entry, shipped (guild_id == 0) or owned by a server."""

    id: str
    term: str
    en: str
    category: Category
    summary: str
    definition: str
    aliases: list[str] = field(default_factory=list)
    example: str = ""
    related: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    guild_id: int = SHIPPED
    priority: int = 0
    checked: str = ""  # YYYY-MM when version-dependent facts were last checked

    @property
    def names(self) -> list[str]:
        """Every string a user may type to mean this term, display name first."""
        return names_of(self.term, self.en, self.aliases)

    def to_dict(self) -> dict:
        """The data/ schema form (also used for --json and export)."""
        return {
            "id": self.id,
            "term": self.term,
            "en": self.en,
            "aliases": list(self.aliases),
            "category": self.category.value,
            "summary": self.summary,
            "definition": self.definition,
            "example": self.example,
            "related": list(self.related),
            "sources": list(self.sources),
            **({"checked": self.checked} if self.checked else {}),
        }
