"""YAML that remembers where things are: parse a rule file keeping the node tree with its line marks, so any
validation error (a pydantic ``loc`` path) can be pointed at a line and column.

The loader is a ``SafeLoader`` with two production fixes: duplicate mapping keys are errors (PyYAML keeps the
last one silently), and only ``true``/``false`` are booleans (YAML 1.1 would read the country code ``NO``
or ``ON`` as a boolean).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from routing.errors import RuleIssue

_BOOL_TAG = "tag:yaml.org,2002:bool"


class RulesLoader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false (any case)."""


RulesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RulesLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class YamlSyntaxError(Exception):
    """The text is not YAML; ``issue`` points at the line."""

    def __init__(self, issue: RuleIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def parse(text: str, source: str) -> tuple[Any, Node | None, list[RuleIssue]]:
    """Parse ``text`` into plain data plus its node tree; also returns duplicate-key issues."""
    loader = RulesLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(RuleIssue(source, line, column, "", f"YAML syntax: {problem}")) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(RuleIssue(source, None, None, "", f"YAML: {exc}")) from exc
    finally:
        loader.dispose()
    return data, root, _duplicate_keys(root, source) if root is not None else []


def _duplicate_keys(node: Node, source: str) -> list[RuleIssue]:
    issues: list[RuleIssue] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    if key.value in seen:
                        issues.append(
                            RuleIssue(
                                source,
                                key.start_mark.line + 1,
                                key.start_mark.column + 1,
                                "",
                                f"duplicate key {key.value!r} (first at line {seen[key.value]})",
                            )
                        )
                    else:
                        seen[key.value] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return sorted(issues, key=lambda i: i.line or 0)


def _name_of(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "name" and isinstance(value, ScalarNode):
                return str(value.value)
    return None


def locate(root: Node | None, loc: Sequence[str | int]) -> tuple[int | None, int | None, str]:
    """The line, column and readable path of the deepest node along ``loc``.

    Segments that do not exist in the tree (pydantic's union tags, or a missing key) are skipped, so the
    answer is the closest enclosing node: a missing key points at the mapping that lacks it.
    """
    if root is None:
        return None, None, ".".join(str(p) for p in loc)
    node, path = root, ""
    for part in loc:
        child: Node | None = None
        if isinstance(node, MappingNode):
            child = next(
                (v for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(part)),
                None,
            )
            if child is not None:
                path = f"{path}.{part}" if path else str(part)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            name = _name_of(child)
            path = f"{path}[{part}]" + (f"({name})" if name else "")
        if child is not None:
            node = child
    return node.start_mark.line + 1, node.start_mark.column + 1, path
