"""A YAML loader for files people upload: small worst cases, by construction.

An alias (*name) can repeat a node many times over (an "alias bomb" of a few hundred bytes
expands to gigabytes), and deep nesting makes the composer recurse. Neither has any use in a
glossary file, so both are refused with a message that names the line; together with the size
limit this keeps the worst case small enough to parse in a worker thread.
"""

from __future__ import annotations

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
