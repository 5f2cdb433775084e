"""YAML reading that remembers the line of every mapping and key, for messages."""

from __future__ import annotations

from typing import Any

import yaml


class Node(dict[str, Any]):
    """A mapping from the file that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Items(list[Any]):
    """A sequence from the file that knows the line of each item."""

    line: int
    item_lines: list[int]


# The C parser when PyYAML has it: ten times faster on a large scorecard.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    result = Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        # Keys are text to us: `2026:` is a period, not the integer 2026.
        text = str(key) if not isinstance(key, str) else key
        if text in result:  # YAML forbids it; PyYAML would keep the last one silently
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key '{text}' appears twice (first on line {result.key_lines[text]})",
                key_node.start_mark,
            )
        result[text] = loader.construct_object(value_node, deep=True)
        result.key_lines[text] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> Items:
    result = Items(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # `2026-01-31` would become a date; periods and other keys stay text.
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


class YamlError(ValueError):
    """Text that is not YAML; `line` and `column` where the parser stopped (0 if unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        message = f"this is not valid YAML ({exc.problem})"
        if mark is None:
            raise YamlError(message) from exc
        raise YamlError(message, mark.line + 1, mark.column + 1) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"this is not valid YAML ({exc})") from exc
