"""A term's sources: the forms the data may use, and the label a reader sees on the card.

Forms:
- ``seed:<file>``: one of the seed articles the glossary started from; the card shows its title;
- ``community``: slang with no written source; the card says it is community usage;
- ``[label](https://…)``: a specific page with a short label (the only URL form data/ accepts);
- a bare ``https://…`` URL: accepted from moderators' imports and labelled by its host;
- ``server:<guild id>``: written by that server's moderators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.core.i18n import EN

COMMUNITY = "community"
MAX_LABEL = 40

# Readable titles for the seed articles (../shared/seeds); a card never shows a raw file name.
SEED_TITLES: dict[str, tuple[str, str]] = {
    "000_11d8d201fd2b4959.txt": ("《AIGC常见名词解释（字典篇）》", "'AIGC glossary' (WeChat article)"),
    "001_bc2a2f5695e5b826.txt": ("《人人都在说的AIGC，到底是个啥》", "'What is AIGC, really?' (CSDN blog)"),
    "002_8c259357087a6861.txt": ("《AIGC从入门到精通》", "'AIGC from beginner to expert' (CSDN blog)"),
    "003_7a6a904b127d2824.txt": ("AI 社区资源笔记（2023）", "AI community resource notes (2023)"),
    "004_fcca6900082e5cef.txt": ("《爆火的 AIGC 到底是什么｜全面介绍》", "'What is AIGC?' (overview article)"),
}

_LINK = re.compile(r"^\[(?P<label>[^\[\]\n]+)\]\((?P<url>https?://[^\s()]+)\)$")
_URL = re.compile(r"^https?://[^\s()]+$")
_SEED = re.compile(r"^seed:(?P<file>\S+)$")
_SERVER = re.compile(r"^server:\d+$")


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # "seed", "community", "link", "url", "server"
    text: str = ""  # seed file, link label
    url: str = ""


def parse_source(raw: str) -> Source | None:
    """The source's form, or None when it has none of the accepted forms."""
    if raw == COMMUNITY:
        return Source("community")
    if match := _SEED.match(raw):
        return Source("seed", match["file"])
    if match := _LINK.match(raw):
        return Source("link", match["label"].strip(), match["url"])
    if _URL.match(raw):
        return Source("url", url=raw)
    if _SERVER.match(raw):
        return Source("server")
    return None


def source_problem(raw: str, *, strict: bool) -> str | None:
    """Why raw can't be a source, or None. strict is for data/: labels and known seeds only."""
    source = parse_source(raw)
    if source is None:
        return "must be 'seed:<file>', 'community', '[label](https://…)' or an https URL"
    if source.kind == "link" and len(source.text) > MAX_LABEL:
        return f"link label is {len(source.text)} characters, the limit is {MAX_LABEL}"
    if not strict:
        return None
    if source.kind == "seed" and source.text not in SEED_TITLES:
        return f"unknown seed {source.text!r}: add its readable title to SEED_TITLES"
    if source.kind == "url":
        return "a URL in data/ needs a short label: '[label](https://…)'"
    return None


def source_label(raw: str, lang: str, server_text: str, community_text: str) -> str:
    """What a reader sees: Discord markdown, a masked link for URLs."""
    source = parse_source(raw)
    if source is None:
        return raw
    if source.kind == "seed":
        titles = SEED_TITLES.get(source.text)
        return (titles[1] if lang == EN else titles[0]) if titles else source.text
    if source.kind == "community":
        return community_text
    if source.kind == "server":
        return server_text
    label = source.text or (urlsplit(source.url).hostname or source.url).removeprefix("www.")
    return f"[{label}]({source.url})"
