"""How deep parsed JSON nests, measured without recursion: credentials and pathway files may be hostile."""

from __future__ import annotations

from typing import Any


def nests_deeper_than(value: Any, limit: int) -> bool:
    """True when objects and arrays in ``value`` nest more than ``limit`` levels (the top level is 1).

    An explicit stack, not recursion, so a document nested thousands of levels costs time in proportion to
    its size and never Python's recursion limit; it stops at the first path past ``limit``.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
