"""A YAML loader for files people upload: small worst cases, by construction.

An alias (*name) can repeat a node many times over (an "alias bomb" of a few hundred bytes
expands to gigabytes), and deep nesting makes the composer recurse. Neither has any use in a
glossary file, so both are refused with a message that names the line; together with the size
limit this keeps the worst case small enough to parse in a worker thread.

A glossary file is read with `term_list`: the usual shape straight from libyaml's events,
anything else through nodes (guarded_loader), with the same values, lines and problems.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import ComposerError

MAX_DEPTH = 20  # a glossary needs 3: the list, a term, a list of aliases
MAX_BYTES = 4 * 1024 * 1024  # per file; a moderator's upload has its own, smaller cap


class GuardedLoader(yaml.SafeLoader):
    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(None, None, "anchors and aliases (*name) are not allowed", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_OPENS = {yaml.SequenceStartEvent: yaml.SequenceNode, yaml.MappingStartEvent: yaml.MappingNode}
_CLOSES = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class _Refused(Exception):
    """Something the fast path leaves to GuardedLoader, which reports it as it always has."""


class _Composed(yaml.SafeLoader):
    """SafeLoader's resolver and constructor over a node tree composed elsewhere."""

    def __init__(self, root: yaml.Node | None):
        super().__init__("")
        self._root = root

    def get_single_node(self) -> yaml.Node | None:
        return self._root


def _compose_from_events(text: str) -> yaml.Node | None:
    """The node tree of a one-document stream, built from libyaml's events in one flat pass.

    Refuses (with _Refused) an alias, nesting deeper than MAX_DEPTH, or a second document; the
    event stream never expands an alias and libyaml parses without recursion, so this is safe
    on hostile input. Nodes carry the events' start marks, so line numbers are kept.
    """
    resolver = yaml.SafeLoader("")
    stack: list[yaml.Node] = []
    keys: list[yaml.Node | None] = []  # per open mapping: the key waiting for its value
    root, documents = None, 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            tag = event.tag if event.tag not in (None, "!") else resolver.resolve(
                yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif kind in _OPENS:
            if len(stack) >= MAX_DEPTH:
                raise _Refused
            node_class = _OPENS[kind]
            tag = event.tag if event.tag not in (None, "!") else resolver.resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
        elif kind in _CLOSES:
            stack.pop().end_mark = event.end_mark
            keys.pop()
            continue
        elif kind is yaml.AliasEvent:
            raise _Refused
        else:
            documents += kind is yaml.DocumentStartEvent
            if documents > 1:
                raise _Refused
            continue
        _attach(node, stack, keys)
        root = root or node
        if kind in _OPENS:
            stack.append(node)
            keys.append(None)
    return root


def _attach(node: yaml.Node, stack: list[yaml.Node], keys: list[yaml.Node | None]) -> None:
    if not stack:
        if len(stack) + 1 > MAX_DEPTH:
            raise _Refused
        return
    if len(stack) + 1 > MAX_DEPTH:
        raise _Refused
    parent = stack[-1]
    if isinstance(parent, yaml.SequenceNode):
        parent.value.append(node)
    elif keys[-1] is None:
        keys[-1] = node
    else:
        parent.value.append((keys[-1], node))
        keys[-1] = None


def guarded_loader(text: str) -> yaml.SafeLoader:
    """A loader for `text` that refuses aliases and deep nesting, naming the line.

    With libyaml installed, the nodes come from its event stream (_compose_from_events), several
    times faster than the pure-Python composer; anything it refuses or fails on goes to
    GuardedLoader, which reports the problem exactly as it always has. Either way the nodes carry
    start marks (line numbers) and are constructed by SafeLoader's constructor.
    """
    if yaml.__with_libyaml__:
        try:
            return _Composed(_compose_from_events(text))
        except (_Refused, yaml.YAMLError, UnicodeError, ValueError):
            pass
    return GuardedLoader(text)


# --- a glossary file as a list of entries ---------------------------------------------------
@dataclass(slots=True)
class Field:
    name: str | None  # None: the field name is not plain text (a list or a mapping)
    name_line: int  # 1-based, as every line below
    line: int
    _value: Any = None

    def value(self) -> Any:
        return self._value


@dataclass(slots=True)
class _NodeField(Field):
    """A field whose value is constructed when it is asked for, as SafeLoader's nodes are read."""

    _node: yaml.Node | None = None
    _loader: yaml.SafeLoader | None = None

    def value(self) -> Any:
        return self._loader.construct_object(self._node, deep=True)  # type: ignore[union-attr]


@dataclass(slots=True)
class Entry:
    """One item of the file's top-level list: a term's fields in order, or not a mapping at all."""

    line: int
    fields: Iterable[Field] | None  # None: the item is not a mapping


@dataclass(slots=True)
class ListDocument:
    line: int
    is_list: bool  # False: the document is not a list (entries is then empty)
    entries: Iterable[Entry]


@contextlib.contextmanager
def term_list(text: str) -> Iterator[ListDocument | None]:
    """The file as its top-level list of entries (None for an empty file).

    With libyaml, the common shape (a list of mappings whose values are text, numbers or lists
    of them, without tags, anchors or aliases) is read straight from libyaml's events with no
    nodes in between. Anything else is left to guarded_loader's nodes, constructed by
    SafeLoader's constructor lazily, entry by entry, so a problem surfaces where it always has.
    Every value is what SafeLoader would construct, every line where its node starts.
    """
    if yaml.__with_libyaml__:
        try:
            document = _FastReader(text).document()
        except (_Refused, yaml.YAMLError, UnicodeError, ValueError):
            pass
        else:
            yield document
            return
    loader = guarded_loader(text)
    try:
        yield _from_nodes(loader)
    finally:
        loader.dispose()


def _from_nodes(loader: yaml.SafeLoader) -> ListDocument | None:
    root = loader.get_single_node()
    if root is None:
        return None
    if not isinstance(root, yaml.SequenceNode):
        return ListDocument(_line(root), False, [])
    return ListDocument(_line(root), True, (_entry_from_node(node, loader) for node in root.value))


def _entry_from_node(node: yaml.Node, loader: yaml.SafeLoader) -> Entry:
    if not isinstance(node, yaml.MappingNode):
        return Entry(_line(node), None)
    return Entry(_line(node), _fields_from_node(node, loader))


def _fields_from_node(node: yaml.MappingNode, loader: yaml.SafeLoader) -> Iterator[Field]:
    for key_node, value_node in node.value:
        name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
        yield _NodeField(name, _line(key_node), _line(value_node), _node=value_node, _loader=loader)


def _line(node: yaml.Node | yaml.Event) -> int:
    return node.start_mark.line + 1


class _FastReader:
    """A list of flat mappings, read from libyaml's events; _Refused for any other shape."""

    def __init__(self, text: str):
        self._loader = yaml.CSafeLoader(text)  # libyaml's parser, SafeLoader's resolver and constructor
        self._next = self._loader.get_event

    def document(self) -> ListDocument | None:
        try:
            return self._document()
        finally:
            self._loader.dispose()

    def _document(self) -> ListDocument | None:
        self._expect(self._next(), yaml.StreamStartEvent)
        event = self._next()
        if type(event) is yaml.StreamEndEvent:
            return None
        self._expect(event, yaml.DocumentStartEvent)
        root = self._plain(self._next(), yaml.SequenceStartEvent)
        entries = []
        while type(event := self._next()) is not yaml.SequenceEndEvent:
            entries.append(self._entry(event))
        self._expect(self._next(), yaml.DocumentEndEvent)
        self._expect(self._next(), yaml.StreamEndEvent)
        return ListDocument(_line(root), True, entries)

    def _entry(self, event: yaml.Event) -> Entry:
        fields = []
        next_event = self._next  # the loop below runs once per field of every term
        start = self._plain(event, yaml.MappingStartEvent)
        while type(key := next_event()) is not yaml.MappingEndEvent:
            self._plain(key, yaml.ScalarEvent)
            value = next_event()
            if type(value) is yaml.ScalarEvent:
                fields.append(Field(key.value, _line(key), _line(value), self._scalar(value)))
            else:
                fields.append(Field(key.value, _line(key), _line(value), self._list(value)))
        return Entry(_line(start), fields)

    def _list(self, event: yaml.Event) -> list[Any]:
        self._plain(event, yaml.SequenceStartEvent)
        items = []
        while type(event := self._next()) is not yaml.SequenceEndEvent:
            items.append(self._scalar(self._plain(event, yaml.ScalarEvent)))
        return items

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        if event.anchor is not None or event.tag is not None:
            raise _Refused
        if not event.implicit[0]:  # quoted or block: text
            return event.value
        tag = self._loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == "tag:yaml.org,2002:str":
            return event.value
        if tag not in _PLAIN_TAGS:
            raise _Refused  # a merge key (<<) or a value key (=): SafeLoader's own path says what they do
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        return self._loader.construct_object(node)

    @staticmethod
    def _plain(event: yaml.Event, kind: type) -> yaml.Event:
        """event, if it is a `kind` without tag or anchor."""
        if type(event) is not kind or event.anchor is not None:
            raise _Refused
        if kind is not yaml.ScalarEvent and event.tag is not None:  # a scalar's tag matters only as a value
            raise _Refused
        return event

    @staticmethod
    def _expect(event: yaml.Event, kind: type) -> None:
        if type(event) is not kind:
            raise _Refused


_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")}
