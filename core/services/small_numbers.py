"""The small-number rule, with complementary suppression, so no child can be recognised in the numbers.

A count from 1 to 4 is not shown ("under 5"). That alone is not enough: a municipality's total minus
its units' shown counts, or a year minus its shown months, gives the hidden count back. So the cells
are tied by the sums they are part of (``Line``: a total and the parts that add up to it), and the rule
is applied until, in every line whose total is shown, the hidden parts are at least two and together at
least 5 (a line that cannot reach that hides its total as well), and no hidden total has all its parts
shown. This is the statistics offices'
primary and secondary suppression, done greedily (the smallest part is hidden next).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

THRESHOLD = 5


@dataclass(frozen=True)
class Line:
    total: Hashable
    parts: tuple[Hashable, ...]


def suppress(counts: Mapping[Any, int], lines: Iterable[Line]) -> set[Any]:
    """The cells not to show: those under 5 (above 0), and the complements that protect them."""
    hidden = {key for key, n in counts.items() if 0 < n < THRESHOLD}
    lines = [line for line in lines if line.parts]
    by_cell: dict[Hashable, list[Line]] = defaultdict(list)
    for line in lines:
        by_cell[line.total].append(line)
        for part in line.parts:
            by_cell[part].append(line)
    todo = list(lines)
    while todo:
        line = todo.pop()
        added = _protect(line, counts, hidden)
        if added is not None:
            hidden.add(added)
            todo.extend(by_cell[added])
    return hidden


def _protect(line: Line, counts: Mapping[Hashable, int], hidden: set[Hashable]) -> Hashable | None:
    """The next cell ``line`` needs hidden, or None when it is safe."""
    if line.total not in hidden and hidden.isdisjoint(line.parts):
        return None  # nothing in it is hidden (most lines): nothing to protect
    secret = [p for p in line.parts if p in hidden]
    shown = [p for p in line.parts if p not in hidden]
    if line.total in hidden:  # a hidden total is the sum of its parts unless one of them is hidden too
        if secret or not any(counts.get(p, 0) for p in shown):
            return None
        return _smallest(shown, counts)
    if not secret:
        return None
    if len(secret) >= 2 and sum(counts.get(p, 0) for p in secret) >= THRESHOLD:
        return None
    if not shown:
        return line.total
    return _smallest(shown, counts)


def _smallest(cells: list[Hashable], counts: Mapping[Hashable, int]) -> Hashable:
    """The smallest cell that is not zero (a hidden 0 adds nothing to protect with), else any."""
    return min(cells, key=lambda p: (counts.get(p, 0) == 0, counts.get(p, 0), str(p)))
