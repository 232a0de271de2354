"""A data/ directory with n synthetic terms added to the shipped glossary, valid under the strict rules.

Names are unique after normalisation (a running number ends every name), so the whole directory
passes `python -m bot check`; the words come from bench_search's fixed-seed vocabulary.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from bench.bench_search import CJK, SYLLABLES

TERMS_PER_FILE = 2000  # about 1.5 MB a file, well under the loader's 4 MB cap
CATEGORIES = ["slang", "abbreviation", "concept", "model", "tool", "parameter", "command", "product"]
REPO = Path(__file__).resolve().parent.parent


def _term(i: int, rng: random.Random) -> str:
    zh = "".join(rng.choice(CJK) for _ in range(rng.randint(2, 4))) + str(i)
    words = " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(1, 2)))
    definition = "".join(rng.choice(CJK) for _ in range(rng.randint(60, 240)))
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731  (a JSON string is a YAML scalar)
    return (f"- id: syn-{i}\n  term: {q(zh)}\n  en: {q(f'{words.title()} {i}')}\n"
            f"  category: {CATEGORIES[i % len(CATEGORIES)]}\n  summary: {q(definition[:40])}\n"
            f"  definition: {q(definition)}\n  example: {q(definition[:80])}\n"
            f"  sources:\n    - \"[Synthetic source {i}](https://example.com/syn/{i})\"\n\n")


def write_data_dir(target: Path, n: int, seed: int = 20261125) -> Path:
    """The shipped files plus n synthetic terms in files of TERMS_PER_FILE; returns target."""
    shutil.copytree(REPO / "data", target, dirs_exist_ok=True)
    rng = random.Random(seed)
    for start in range(0, n, TERMS_PER_FILE):
        text = "".join(_term(i, rng) for i in range(start, min(n, start + TERMS_PER_FILE)))
        (target / f"zz-synthetic-{start // TERMS_PER_FILE:03d}.yaml").write_text(text, encoding="utf-8")
    return target
