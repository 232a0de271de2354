"""Search accuracy over bench/eval_set.yaml: top-1 and top-5 per class.

    python bench/eval_search.py

top-1 counts when the first thing a user sees is the expected term: the card itself
(status found) or the first "did you mean" button. top-5 counts when it is anywhere
in what /define shows. `reject` queries pass when no term is answered confidently.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.core.keys import compute_keys  # noqa: E402
from bot.core.loader import load_glossary  # noqa: E402
from bot.core.search import IndexEntry, SearchIndex  # noqa: E402

EVAL_SET = REPO / "bench" / "eval_set.yaml"


@dataclass
class ClassScore:
    name: str
    total: int = 0
    top1: int = 0
    top5: int = 0
    misses: list[str] | None = None

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 1.0

    @property
    def top5_rate(self) -> float:
        return self.top5 / self.total if self.total else 1.0


def shipped_index(data_dir: Path = REPO / "data") -> SearchIndex:
    terms = load_glossary(data_dir)
    return SearchIndex.build(
        (IndexEntry(uid=i, guild_id=0, slug=t.id, term=t.term, en=t.en, priority=t.priority), compute_keys(t.names))
        for i, t in enumerate(terms, 1)
    )


def evaluate(index: SearchIndex, eval_set: dict | None = None) -> list[ClassScore]:
    eval_set = eval_set or yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))
    scores = []
    for name, cases in eval_set.items():
        score = ClassScore(name, misses=[])
        if name == "reject":
            for query in cases:
                score.total += 1
                ok = index.resolve(str(query)).status != "found"
                score.top1 += ok
                score.top5 += ok
                if not ok:
                    score.misses.append(f"{query} → {index.resolve(str(query)).hit.entry.slug}")
        else:
            for query, expected in cases.items():
                score.total += 1
                resolution = index.resolve(str(query))
                shown = ([resolution.hit] if resolution.hit else []) + list(resolution.suggestions)
                slugs = [h.entry.slug for h in shown]
                first = resolution.hit.entry.slug if resolution.hit else (slugs[0] if slugs else None)
                score.top1 += first == expected
                score.top5 += expected in slugs[:5]
                if first != expected:
                    score.misses.append(f"{query} → {resolution.status} {slugs[:3]} (want {expected})")
        scores.append(score)
    return scores


def overall(scores: list[ClassScore]) -> tuple[int, float, float]:
    total = sum(s.total for s in scores)
    return total, sum(s.top1 for s in scores) / total, sum(s.top5 for s in scores) / total


def main() -> int:
    scores = evaluate(shipped_index())
    print(f"{'class':22} {'n':>4} {'top-1':>7} {'top-5':>7}")
    for s in scores:
        print(f"{s.name:22} {s.total:4d} {s.top1_rate:7.1%} {s.top5_rate:7.1%}")
    total, top1, top5 = overall(scores)
    print(f"{'overall':22} {total:4d} {top1:7.1%} {top5:7.1%}")
    for s in scores:
        for miss in s.misses or []:
            print(f"  miss [{s.name}] {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
