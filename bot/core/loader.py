"""Read and validate glossary YAML. All or nothing: any problem means no terms."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core import models as m
from bot.core.models import Category, Term
from bot.core.normalize import hidden_characters, normalize, visible_form
from bot.core.sources import source_problem
from bot.core.text import clip
from bot.core.yaml_guard import MAX_BYTES, Entry, term_list

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_CHECKED = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")
# The folded YAML style joins lines with a space; after Chinese punctuation it reads as a stray gap.
_SPACE_AFTER_PUNCT = re.compile(r"([。；，：！？、）」』”》】])[ \t]+")
_REQUIRED = ("id", "term", "en", "category", "summary", "definition", "sources")
_KNOWN = {*_REQUIRED, "aliases", "example", "related", "priority", "checked"}


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


def read_data_files(data_dir: str | Path) -> list[tuple[str, bytes]]:
    """(path, raw bytes) of every glossary file in data_dir, in name order."""
    files = sorted(p for p in Path(data_dir).glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise GlossaryError([Problem(str(data_dir), 0, "", "no *.yaml glossary files found")])
    return [(str(p), p.read_bytes()) for p in files]


def raw_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """Digest of the files' names and raw bytes: equal means data/ is byte-for-byte unchanged."""
    digest = hashlib.sha256()
    for path, data in files:
        name = Path(path).name.encode()
        digest.update(len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def parse_data_files(files: Iterable[tuple[str, bytes]]) -> list[Term]:
    """Terms from read_data_files(), validated with the shipped data's strict rules."""
    located, problems, broken = _parse_part(list(files))
    return _finish(located, problems, broken, check_related=True, known_ids=frozenset())


def _parse_part(files: list[tuple[str, bytes]]) -> tuple[list[_Located], list[Problem], set[str]]:
    """Each file's located terms and problems, before the checks across files."""
    problems: list[Problem] = []
    located: list[_Located] = []
    broken: set[str] = set()
    for path, data in files:
        try:
            text = _decode(path, data)
        except GlossaryError as exc:
            problems.extend(exc.problems)
            continue
        located.extend(_parse_file(path, text, problems, broken, strict=True))
    return located, problems, broken


def _decode(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError([Problem(path, line, "", "the file is not valid UTF-8")]) from None


def load_glossary(data_dir: str | Path) -> list[Term]:
    """Every term in data_dir/*.yaml, or GlossaryError listing every problem found."""
    return parse_data_files(read_data_files(data_dir))


def parse_documents(
    documents: Iterable[tuple[str, str]],
    *,
    check_related: bool = True,
    known_ids: frozenset[str] = frozenset(),
    strict: bool = False,
) -> list[Term]:
    """Parse (file name, YAML text) pairs into terms, validating across all of them.

    known_ids are ids that exist outside these documents (a server import may relate to shipped terms).
    strict applies the shipped data's stricter rules (see validate_fields).
    """
    problems: list[Problem] = []
    located: list[_Located] = []
    broken_ids: set[str] = set()  # ids of terms already reported, so `related` adds no follow-on errors
    for name, text in documents:
        located.extend(_parse_file(name, text, problems, broken_ids, strict=strict))
    return _finish(located, problems, broken_ids, check_related=check_related, known_ids=known_ids)


def _finish(located: list[_Located], problems: list[Problem], broken_ids: set[str], *,
            check_related: bool, known_ids: frozenset[str]) -> list[Term]:
    _check_across(located, problems, check_related=check_related, known_ids=known_ids | broken_ids)
    if problems:
        raise GlossaryError(problems)
    return [item.term for item in located]


def content_hash(terms: Iterable[Term]) -> str:
    """Stable digest of the glossary, so an unchanged data/ costs nothing at start-up."""
    return content_hash_of(term_hash(term) for term in terms)


def content_hash_of(term_hashes: Iterable[str]) -> str:
    """content_hash from the terms' term_hash values, for callers that need those anyway."""
    digest = hashlib.sha256()
    for value in term_hashes:
        digest.update(value.encode())
    return digest.hexdigest()


def term_hash(term: Term) -> str:
    payload = {**term.to_dict(), "priority": term.priority}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _parse_file(
    name: str, text: str, problems: list[Problem], broken_ids: set[str], *, strict: bool
) -> list[_Located]:
    if len(text) > MAX_BYTES:
        problems.append(Problem(name, 0, "", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"))
        return []
    try:
        with term_list(text) as document:  # the reader already refuses some characters here
            if document is None:
                return []
            if not document.is_list:
                problems.append(Problem(name, document.line, "", "the file must be a YAML list of terms"))
                return []
            out = []
            for entry in document.entries:
                item = _parse_term(name, entry, problems, strict=strict)
                if isinstance(item, _Located):
                    out.append(item)
                elif item:
                    broken_ids.add(item)
            return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problems.append(Problem(name, line, "", f"YAML syntax error: {exc.problem or exc}"))
        return []
    except yaml.YAMLError as exc:
        problems.append(Problem(name, 0, "", f"YAML error: {clip(str(exc), 200)}"))
        return []
    except RecursionError:
        problems.append(Problem(name, 0, "", "YAML error: the file is nested too deeply"))
        return []


def _parse_term(name: str, entry: Entry, problems: list[Problem], *, strict: bool) -> _Located | str | None:
    """The located term; or, when it has problems, its id (if it has one) so links to it still count."""
    if entry.fields is None:
        problems.append(Problem(name, entry.line, "", "each term must be a mapping of fields"))
        return None
    raw: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for item in entry.fields:
        if item.name is None:
            problems.append(Problem(name, item.name_line, "", "a field name must be plain text"))
            return None
        key = clip(item.name, 40)
        if key in raw:
            problems.append(Problem(name, item.name_line, key, "field given twice"))
        try:
            raw[key] = item.value()
        except ValueError as exc:  # a date that isn't one (2026-02-30): YAML reads it as a date
            problems.append(Problem(name, item.line, key, f"is not a valid value: {clip(str(exc), 80)}"))
            continue
        lines[key] = item.line
    before = len(problems)

    def report(field: str, message: str) -> None:
        problems.append(Problem(name, lines.get(field, entry.line), field, message))

    term = validate_fields(raw, report, strict=strict)
    if term is None or len(problems) > before:
        return raw["id"] if isinstance(raw.get("id"), str) else None
    return _Located(term, name, entry.line, lines)


class _Fields:
    """Reads one raw term's fields, reporting each problem by field name."""

    def __init__(self, raw: dict[str, Any], report: Callable[[str, str], None], *, strict: bool):
        self.raw, self._report, self.strict, self.ok = raw, report, strict, True

    def fail(self, field: str, message: str) -> None:
        self.ok = False
        self._report(field, message)

    def _prose(self, field: str, value: str) -> str:
        """No space after Chinese punctuation: refused in data/, quietly removed elsewhere."""
        if not _SPACE_AFTER_PUNCT.search(value):
            return value
        if self.strict:
            at = _SPACE_AFTER_PUNCT.search(value).start()
            self.fail(field, f"space after Chinese punctuation at character {at + 1}: {clip(value[at:], 20)!r}")
            return value
        return _SPACE_AFTER_PUNCT.sub(r"\1", value)

    def text(self, field: str, limit: int, *, one_line: bool = False) -> str:
        value = self.raw.get(field, "")
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(field, "must be text")
            return ""
        value = self._prose(field, str(value).strip())
        if len(value) > limit:
            self.fail(field, f"is {len(value)} characters, the limit is {limit}")
        if one_line and "\n" in value:
            self.fail(field, "must be a single line")
        return value

    def text_list(self, field: str, limit_items: int, limit_each: int) -> list[str]:
        value = self.raw.get(field) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(field, "must be a list of text")
            return []
        if len(value) > limit_items:
            self.fail(field, f"has {len(value)} entries, the limit is {limit_items}")
        items = []
        for item in value:
            if not isinstance(item, str | int | float) or isinstance(item, bool) or not str(item).strip():
                self.fail(field, f"entry {clip(repr(item), 40)} must be non-empty text")
                continue
            item = self._prose(field, str(item).strip())
            if len(item) > limit_each:
                self.fail(field, f"entry {clip(item, 40)!r} is longer than {limit_each} characters")
            items.append(item)
        return items


def _check_presence(f: _Fields) -> None:
    for key in f.raw:
        if key not in _KNOWN:
            f.fail(key, f"unknown field (allowed: {', '.join(sorted(_KNOWN))})")
    for key in _REQUIRED:
        if key not in f.raw or f.raw[key] in (None, "", []):
            f.fail(key, "is required")


def _read_id(f: _Fields) -> str:
    term_id = f.text("id", 64)
    if term_id and not _ID.match(term_id):
        f.fail("id", f"{clip(term_id, 70)!r} must be lowercase letters, digits and '-'")
    return term_id


def _read_category(f: _Fields) -> Category:
    raw = f.text("category", 32)
    if raw:
        try:
            return Category(raw)
        except ValueError:
            f.fail("category", f"{clip(raw, 40)!r} is not one of {', '.join(c.value for c in Category)}")
    return Category.CONCEPT


def _read_sources(f: _Fields) -> list[str]:
    sources = f.text_list("sources", m.MAX_SOURCES, 500)
    for source in sources:
        if problem := source_problem(source, strict=f.strict):
            f.fail("sources", f"{clip(source, 60)!r}: {problem}")
    return sources


def _read_related(f: _Fields) -> list[str]:
    related = f.text_list("related", m.MAX_RELATED, 64)
    for rel in related:
        if not _ID.match(rel):
            f.fail("related", f"{clip(rel, 70)!r} is not a valid id")
    return related


def _read_priority(f: _Fields) -> int:
    priority = f.raw.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        f.fail("priority", "must be a whole number")
        return 0
    return priority


def _read_checked(f: _Fields) -> str:
    checked = f.text("checked", 20)
    if checked and not _CHECKED.match(checked):
        f.fail("checked", f"{clip(checked, 20)!r} must be a month, YYYY-MM")
    return checked


def _check_names(f: _Fields, term: Term) -> None:
    """A name a reader can't see, or can't see whole, is refused wherever it comes from."""
    for field, names in (("term", [term.term]), ("en", [term.en]), ("aliases", term.aliases)):
        for name in names:
            if bad := hidden_characters(name):
                f.fail(field, f"{clip(visible_form(name), 40)!r} contains invisible or control characters ({bad})")
            elif name and not normalize(name):
                f.fail(field, f"{clip(name, 40)!r} has no letters or digits")


def validate_fields(raw: dict[str, Any], report: Callable[[str, str], None], *, strict: bool = False) -> Term | None:
    """Check one term's fields, calling report(field, message) per problem.

    Shared by the YAML loader and by moderator imports, so both speak one schema. strict is for
    the shipped data/: sources need labels, and a space after Chinese punctuation is refused.
    """
    f = _Fields(raw, report, strict=strict)
    _check_presence(f)
    term = Term(
        id=_read_id(f),
        term=f.text("term", m.MAX_TERM, one_line=True),
        en=f.text("en", m.MAX_EN, one_line=True),
        category=_read_category(f),
        summary=f.text("summary", m.MAX_SUMMARY, one_line=True),
        definition=f.text("definition", m.MAX_DEFINITION),
        aliases=f.text_list("aliases", m.MAX_ALIASES, m.MAX_ALIAS),
        example=f.text("example", m.MAX_EXAMPLE),
        related=_read_related(f),
        sources=_read_sources(f),
        priority=_read_priority(f),
        checked=_read_checked(f),
    )
    _check_names(f, term)
    return term if f.ok else None


def _check_across(
    items: list[_Located], problems: list[Problem], *, check_related: bool, known_ids: frozenset[str] = frozenset()
) -> None:
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
