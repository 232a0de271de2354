"""Glossary YAML validation: every problem named by file, line and field; all or nothing."""

from pathlib import Path

import pytest

from bot.core import yaml_guard
from bot.core.loader import GlossaryError, load_glossary, parse_documents

GOOD = """\
- id: zhalu
  term: 炸炉
  en: Training collapse
  aliases: [炸爐]
  category: slang
  summary: 训练过头，模型坏掉了。
  definition: 训练过度导致模型输出崩坏。
  related: [lora]
  sources: [seed:000_11d8d201fd2b4959.txt]
- id: lora
  term: LoRA
  en: Low-Rank Adaptation
  category: model
  summary: 轻量微调方法。
  definition: 一种只训练少量低秩矩阵的微调方法。
  sources: ["[arXiv：LoRA](https://arxiv.org/abs/2106.09685)"]
  checked: 2026-11
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_valid_files_load(tmp_path):
    terms = load_glossary(write(tmp_path, "a.yaml", GOOD))
    assert [t.id for t in terms] == ["zhalu", "lora"]
    assert terms[0].aliases == ["炸爐"] and terms[0].related == ["lora"]


def test_syntax_error_names_file_and_line(tmp_path):
    write(tmp_path, "ok.yaml", GOOD)
    write(tmp_path, "broken.yaml", "- id: x\n  term: [unclosed\n  en: y\n")
    with pytest.raises(GlossaryError) as exc:
        load_glossary(tmp_path)
    (problem,) = exc.value.problems
    assert problem.file.endswith("broken.yaml")
    assert problem.line in (2, 3, 4)


def test_every_problem_is_reported_with_line_and_field(tmp_path):
    bad = GOOD.replace("category: model", "category: spell").replace(
        "summary: 训练过头，模型坏掉了。", "summary: " + "长" * 101
    )
    write(tmp_path, "a.yaml", bad)
    with pytest.raises(GlossaryError) as exc:
        load_glossary(tmp_path)
    found = {(p.field, p.line) for p in exc.value.problems}
    assert ("summary", 6) in found
    assert ("category", 13) in found


def test_missing_fields_unknown_fields_and_bad_related(tmp_path):
    write(tmp_path, "a.yaml", "- id: Bad_ID\n  term: x\n  colour: red\n  related: [nope]\n")
    with pytest.raises(GlossaryError) as exc:
        load_glossary(tmp_path)
    fields = {p.field for p in exc.value.problems}
    assert {"id", "en", "category", "summary", "definition", "sources", "colour"} <= fields


def test_duplicate_ids_and_shared_names_across_files(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    clash = GOOD.replace("id: zhalu", "id: other").replace("id: lora", "id: lora2").replace("[炸爐]", "[ＬｏＲＡ]")
    write(tmp_path, "b.yaml", clash.replace("term: LoRA", "term: 另一个"))
    with pytest.raises(GlossaryError) as exc:
        load_glossary(tmp_path)
    messages = " ".join(p.message for p in exc.value.problems)
    assert "already belongs to" in messages  # 炸炉 and ＬｏＲＡ normalise onto existing names


def test_unresolved_related_id_is_an_error(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("related: [lora]", "related: [lora, ghost]"))
    with pytest.raises(GlossaryError) as exc:
        load_glossary(tmp_path)
    assert [(p.field, p.line) for p in exc.value.problems] == [("related", 8)]


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(GlossaryError):
        load_glossary(tmp_path)


def test_space_after_chinese_punctuation_is_refused_with_its_place(tmp_path):
    folded = GOOD.replace("  definition: 训练过度导致模型输出崩坏。\n", "  definition: >-\n    训练过度。\n    模型输出崩坏。\n")
    with pytest.raises(GlossaryError) as err:
        load_glossary(write(tmp_path, "a.yaml", folded))
    (problem,) = err.value.problems
    assert (problem.line, problem.field) == (7, "definition") and "Chinese punctuation" in problem.message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("https://arxiv.org/abs/2106.09685", "needs a short label"),
        ("seed:999_unknown.txt", "unknown seed"),
        ("[" + "x" * 41 + "](https://example.org)", "label is 41 characters"),
        ("see the docs", "must be"),
    ],
)
def test_shipped_sources_must_read_cleanly(tmp_path, source, message):
    with pytest.raises(GlossaryError) as err:
        load_glossary(write(tmp_path, "a.yaml", GOOD.replace("seed:000_11d8d201fd2b4959.txt", repr(source))))
    assert any(p.field == "sources" and message in p.message for p in err.value.problems)


def test_checked_must_be_a_month(tmp_path):
    with pytest.raises(GlossaryError) as err:
        load_glossary(write(tmp_path, "a.yaml", GOOD.replace("checked: 2026-11", "checked: November")))
    assert [p.field for p in err.value.problems] == ["checked"]


@pytest.mark.parametrize("value", ["2026-02-30", "2001-12-14 21:59:43 +25:00"])
def test_a_date_that_is_no_date_is_named_not_a_crash(tmp_path, value):
    with pytest.raises(GlossaryError) as err:
        load_glossary(write(tmp_path, "a.yaml", GOOD.replace("checked: 2026-11", f"checked: {value}")))
    (problem,) = err.value.problems
    assert (problem.line, problem.field) == (17, "checked") and "not a valid value" in problem.message


def test_a_broken_term_adds_no_follow_on_related_errors(tmp_path):
    with pytest.raises(GlossaryError) as err:
        load_glossary(write(tmp_path, "a.yaml", GOOD.replace("category: model", "category: modle")))
    assert [p.field for p in err.value.problems] == ["category"]


# Values of every kind the fast reader takes or leaves to the node reader: plain, quoted and block
# text, numbers, booleans, nulls, dates (a bad one too), tags, anchors and aliases, nested values.
VARIANTS = [
    ("checked: 2026-11", "priority: 3"), ("checked: 2026-11", "priority: 3.5"), ("checked: 2026-11", "priority: true"),
    ("checked: 2026-11", "priority:"),
    ("checked: 2026-11", "checked: 2026-11-05"), ("checked: 2026-11", "checked: 2026-02-30"),
    ("en: Low-Rank Adaptation", "en: 0x1F"),
    ("en: Low-Rank Adaptation", 'en: "Low-Rank  Adaptation"'), ("en: Low-Rank Adaptation", "en: !!str 12"),
    ("en: Low-Rank Adaptation", "en: !custom x"), ("en: Low-Rank Adaptation", "en: {a: 1}"),
    ("en: Low-Rank Adaptation", "en: &a x\n  example: *a"), ("aliases: [炸爐]", "aliases: [[炸爐], x]"),
    ("aliases: [炸爐]", "aliases:\n    - 炸爐\n    - 2"), ("aliases: [炸爐]", "<<: {aliases: [x]}"),
    ("aliases: [炸爐]", "[a]: b"), ("aliases: [炸爐]", "aliases: [炸爐]\n  aliases: [x]"),
    ("summary: 轻量微调方法。", "summary: |\n    轻量\n    微调"), ("summary: 轻量微调方法。", "summary: >-\n    轻量。\n    微调"),
    ("- id: lora", "- lora\n- id: lora"), ("- id: lora", "---\n- id: lora"), ("checked: 2026-11", "checked: 2026-11\n---\n- x"),
]


def _outcome(text: str) -> tuple:
    try:
        return ("terms", [(t.to_dict(), t.priority) for t in parse_documents([("a.yaml", text)], strict=True)])
    except GlossaryError as exc:
        return ("problems", [(p.line, p.field, p.message) for p in exc.problems])


@pytest.mark.parametrize(("old", "new"), VARIANTS)
def test_the_fast_reader_and_the_node_reader_load_alike(monkeypatch, old, new):
    text = GOOD.replace(old, new)
    assert text != GOOD
    fast = _outcome(text)

    def refuse(self):
        raise yaml_guard._Refused

    monkeypatch.setattr(yaml_guard._FastReader, "document", refuse)
    assert _outcome(text) == fast
