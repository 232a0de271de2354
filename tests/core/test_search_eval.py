"""The shipped accuracy eval (bench/eval_set.yaml) meets its targets."""

from pathlib import Path

import yaml

from bench import eval_search

REPO = Path(__file__).resolve().parents[2]


def test_eval_set_is_big_and_covers_every_class():
    cases = yaml.safe_load((REPO / "bench" / "eval_set.yaml").read_text(encoding="utf-8"))
    assert sum(len(v) for v in cases.values()) >= 150
    assert {"exact", "alias", "case", "full-width", "traditional", "ime-homophone", "raw-pinyin",
            "english-misspelling", "spacing-hyphen", "english-full-name", "reject"} <= set(cases)


def test_every_expected_id_exists():
    index = eval_search.shipped_index()
    slugs = {index.get(uid).slug for uid in range(1, len(index) + 1)}
    cases = yaml.safe_load((REPO / "bench" / "eval_set.yaml").read_text(encoding="utf-8"))
    expected = {v for name, c in cases.items() if name != "reject" for v in c.values()}
    assert expected <= slugs, expected - slugs


def test_accuracy_targets_are_met():
    scores = eval_search.evaluate(eval_search.shipped_index())
    _, top1, top5 = eval_search.overall(scores)
    assert top1 >= 0.95 and top5 >= 0.99, [m for s in scores for m in s.misses]
    for s in scores:
        assert s.top1_rate >= 0.90, (s.name, s.misses)
