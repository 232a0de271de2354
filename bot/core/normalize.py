"""One normal form for names, aliases and queries, so trivial variants compare equal.

NFKC folds full-width letters (ＳＤ → SD) and the ideographic space; OpenCC turns
Traditional into Simplified (炸爐 → 炸炉); casefold handles case; separators are
dropped so "Stable  Diffusion", "stable-diffusion" and "DALL·E" line up.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("tw2sp")  # Traditional → Simplified, Taiwan phrases too (影片 → 视频, 記憶體 → 内存)
_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f\-_.·・'’‘\"“”/\\,，、:：;；!！?？()（）\[\]【】「」《》<>]+")
# IMEs turn a typed "--" into a dash; Midjourney parameters keep their "--" marker.
_LEADING_DASHES = re.compile(r"^(?:--|—+|–+|－－)\s*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Characters nobody sees: zero-width and joiners, soft hyphen, bidi controls, BOM, and the other
# format and control characters (Cf, Cc), plus lone surrogates that OpenCC can't take.
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
                     r"\ufff9-\ufffb\ud800-\udfff]")
MAX_INPUT = 200  # characters of a query that search looks at; names are at most 80


def strip_hidden(text: str) -> str:
    return _HIDDEN.sub("", text)


def hidden_characters(text: str) -> str:
    """The code points of text's hidden characters, e.g. 'U+200B, U+202E', or ''."""
    found = dict.fromkeys(f"U+{ord(c):04X}" for c in _HIDDEN.findall(text))
    return ", ".join(list(found)[:5])


def visible_form(text: str) -> str:
    """text with each hidden character shown as its code point, for error messages."""
    return _HIDDEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Never raises: hidden characters are dropped first (炸\u200b炉 is 炸炉), input is capped."""
    visible = strip_hidden(unicodedata.normalize("NFKC", strip_hidden(text[:MAX_INPUT])))
    folded = _T2S.convert(visible).casefold().strip()
    prefix = ""
    marker = _LEADING_DASHES.match(folded)
    if marker:
        prefix, folded = "--", folded[marker.end():]
    elif folded.startswith("/"):
        prefix, folded = "/", folded[1:]
    core = _SEPARATORS.sub("", folded)
    if not core:
        # Names made only of punctuation (e.g. Midjourney's "::") stay searchable as typed.
        return (prefix + re.sub(r"\s+", "", folded)) if (prefix or folded) else ""
    return prefix + core


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None
