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


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
_OPENS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSES = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _fast_path_is_safe(text: str) -> bool:
    """True when libyaml parses `text` without an error, an alias or nesting deeper than MAX_DEPTH.

    libyaml's composer can't be hooked like GuardedLoader.compose_node, and it recurses in C,
    so the event stream (flat, cheap in C, never expanding an alias) is checked first.
    """
    open_collections = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, _NODE_EVENTS):
                if open_collections + 1 > MAX_DEPTH:
                    return False
                if isinstance(event, _OPENS):
                    open_collections += 1
            elif isinstance(event, _CLOSES):
                open_collections -= 1
            elif isinstance(event, yaml.AliasEvent):
                return False
    except (yaml.YAMLError, UnicodeError, ValueError):
        return False
    return True


def guarded_loader(text: str) -> yaml.SafeLoader:
    """A loader for `text` that refuses aliases and deep nesting, naming the line.

    libyaml (CSafeLoader) when it is installed and the event scan finds nothing to refuse;
    otherwise GuardedLoader, which also reports any problem exactly as it always has.
    Both compose nodes with start marks (line numbers) and construct with SafeConstructor.
    """
    if yaml.__with_libyaml__ and _fast_path_is_safe(text):
        return yaml.CSafeLoader(text)  # type: ignore[return-value]
    return GuardedLoader(text)
