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

_T2S = opencc.OpenCC("t2s")
_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f\-_.·・'’‘\"“”/\\,，、:：;；!！?？()（）\[\]【】「」《》<>]+")
# IMEs turn a typed "--" into a dash; Midjourney parameters keep their "--" marker.
_LEADING_DASHES = re.compile(r"^(?:--|—+|–+|－－)\s*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    folded = _T2S.convert(unicodedata.normalize("NFKC", text)).casefold().strip()
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
