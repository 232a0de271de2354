"""Read and validate glossary YAML. All or nothing: any problem means no terms."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core import models as m
from bot.core.models import Category, Term

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_SOURCE = re.compile(r"^(seed:\S+|server:\d+|https?://\S+)$")  # server:<id>: written by that server's moderators
_REQUIRED = ("id", "term", "en", "category", "summary", "definition", "sources")
_KNOWN = {*_REQUIRED, "aliases", "example", "related", "priority"}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int  # 1-based
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class GlossaryError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(slots=True)
class _Located:
    term: Term
    file: str
    line: int
    field_lines: dict[str, int]


def load_glossary(data_dir: str | Path) -> list[Term]:
    """Every term in data_dir/*.yaml, or GlossaryError listing every problem found."""
    files = sorted(p for p in Path(data_dir).glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise GlossaryError([Problem(str(data_dir), 0, "", "no *.yaml glossary files found")])
    return parse_documents((str(p), p.read_text(encoding="utf-8")) for p in files)


def parse_documents(
    documents: Iterable[tuple[str, str]], *, check_related: bool = True, known_ids: frozenset[str] = frozenset()
) -> list[Term]:
    """Parse (file name, YAML text) pairs into terms, validating across all of them.

    known_ids are ids that exist outside these documents (a server import may relate to shipped terms).
    """
    problems: list[Problem] = []
    located: list[_Located] = []
    for name, text in documents:
        located.extend(_parse_file(name, text, problems))
    _check_across(located, problems, check_related=check_related, known_ids=known_ids)
    if problems:
        raise GlossaryError(problems)
    return [item.term for item in located]


def content_hash(terms: Iterable[Term]) -> str:
    """Stable digest of the glossary, so an unchanged data/ costs nothing at start-up."""
    digest = hashlib.sha256()
    for term in terms:
        digest.update(term_hash(term).encode())
    return digest.hexdigest()


def term_hash(term: Term) -> str:
    payload = {**term.to_dict(), "priority": term.priority}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _parse_file(name: str, text: str, problems: list[Problem]) -> list[_Located]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return []
        if not isinstance(root, yaml.SequenceNode):
            problems.append(Problem(name, _line(root), "", "the file must be a YAML list of terms"))
            return []
        out = []
        for node in root.value:
            item = _parse_term(name, node, loader, problems)
            if item is not None:
                out.append(item)
        return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problems.append(Problem(name, line, "", f"YAML syntax error: {exc.problem or exc}"))
        return []
    except yaml.YAMLError as exc:
        problems.append(Problem(name, 0, "", f"YAML error: {exc}"))
        return []
    finally:
        loader.dispose()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _parse_term(
    name: str, node: yaml.Node, loader: yaml.SafeLoader, problems: list[Problem]
) -> _Located | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(name, _line(node), "", "each term must be a mapping of fields"))
        return None
    raw: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in raw:
            problems.append(Problem(name, _line(key_node), key, "field given twice"))
        raw[key] = loader.construct_object(value_node, deep=True)
        lines[key] = _line(value_node)
    before = len(problems)

    def report(field: str, message: str) -> None:
        problems.append(Problem(name, lines.get(field, _line(node)), field, message))

    term = validate_fields(raw, report)
    if term is None or len(problems) > before:
        return None
    return _Located(term, name, _line(node), lines)


def validate_fields(raw: dict[str, Any], report) -> Term | None:
    """Check one term's fields, calling report(field, message) per problem.

    Shared by the YAML loader and by moderator imports, so both speak one schema.
    """
    ok = True

    def fail(field: str, message: str) -> None:
        nonlocal ok
        ok = False
        report(field, message)

    for key in raw:
        if key not in _KNOWN:
            fail(key, f"unknown field (allowed: {', '.join(sorted(_KNOWN))})")
    for key in _REQUIRED:
        if key not in raw or raw[key] in (None, "", []):
            fail(key, "is required")

    def text(field: str, limit: int, *, one_line: bool = False) -> str:
        value = raw.get(field, "")
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            fail(field, "must be text")
            return ""
        value = str(value).strip()
        if len(value) > limit:
            fail(field, f"is {len(value)} characters, the limit is {limit}")
        if one_line and "\n" in value:
            fail(field, "must be a single line")
        return value

    def text_list(field: str, limit_items: int, limit_each: int) -> list[str]:
        value = raw.get(field) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            fail(field, "must be a list of text")
            return []
        if len(value) > limit_items:
            fail(field, f"has {len(value)} entries, the limit is {limit_items}")
        items = []
        for item in value:
            if not isinstance(item, str | int | float) or isinstance(item, bool) or not str(item).strip():
                fail(field, f"entry {item!r} must be non-empty text")
                continue
            item = str(item).strip()
            if len(item) > limit_each:
                fail(field, f"entry {item!r} is longer than {limit_each} characters")
            items.append(item)
        return items

    term_id = text("id", 64)
    if term_id and not _ID.match(term_id):
        fail("id", f"{term_id!r} must be lowercase letters, digits and '-'")
    category_raw = text("category", 32)
    category = None
    if category_raw:
        try:
            category = Category(category_raw)
        except ValueError:
            fail("category", f"{category_raw!r} is not one of {', '.join(c.value for c in Category)}")
    sources = text_list("sources", m.MAX_SOURCES, 500)
    for source in sources:
        if not _SOURCE.match(source):
            fail("sources", f"{source!r} must be 'seed:<file>' or an http(s) URL")
    priority = raw.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        fail("priority", "must be a whole number")
        priority = 0
    related = text_list("related", m.MAX_RELATED, 64)
    for rel in related:
        if not _ID.match(rel):
            fail("related", f"{rel!r} is not a valid id")

    term = Term(
        id=term_id,
        term=text("term", m.MAX_TERM, one_line=True),
        en=text("en", m.MAX_EN, one_line=True),
        category=category or Category.CONCEPT,
        summary=text("summary", m.MAX_SUMMARY, one_line=True),
        definition=text("definition", m.MAX_DEFINITION),
        aliases=text_list("aliases", m.MAX_ALIASES, m.MAX_ALIAS),
        example=text("example", m.MAX_EXAMPLE),
        related=related,
        sources=sources,
        priority=priority,
    )
    return term if ok else None


def _check_across(
    items: list[_Located], problems: list[Problem], *, check_related: bool, known_ids: frozenset[str] = frozenset()
) -> None:
    from bot.core.normalize import normalize  # local: keeps `check` importable if search changes

    ids: dict[str, _Located] = {}
    for item in items:
        first = ids.setdefault(item.term.id, item)
        if first is not item:
            problems.append(
                Problem(item.file, item.field_lines.get("id", item.line), "id",
                        f"{item.term.id!r} is already used at {first.file}:{first.line}")
            )
    owners: dict[str, _Located] = {}
    for item in items:
        for name in item.term.names:
            key = normalize(name)
            if not key:
                continue
            owner = owners.setdefault(key, item)
            if owner is not item and owner.term.id != item.term.id:
                problems.append(
                    Problem(item.file, item.field_lines.get("aliases", item.line), "aliases",
                            f"name {name!r} already belongs to {owner.term.id!r} ({owner.file}:{owner.line})")
                )
    if check_related:
        for item in items:
            for rel in item.term.related:
                if rel not in ids and rel not in known_ids:
                    problems.append(
                        Problem(item.file, item.field_lines.get("related", item.line), "related",
                                f"{rel!r} is not the id of any term")
                    )
                elif rel == item.term.id:
                    problems.append(Problem(item.file, item.field_lines["related"], "related",
                                            "a term cannot be related to itself"))
