"""The numbers of følgeevaluering as one cube of cells, and the sums that tie the cells together.

A cell is ``(metric, category, scope, period)``: scope ``u:<unit>``, ``m:<municipality>`` or ``r`` (the
region), period ``YYYY-MM``, ``YYYY`` or ``now`` (a unit has years and now, no months). SQL
(``indicator_queries``) gives each unit's aggregates per month; the units' years, the municipalities'
and the region's cells are their sums, added here. The
``lines`` are every sum a reader could take differences of (units to their municipality, municipalities
to the region, months to their year, categories to their total), which the small-number rule needs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from zoneinfo import ZoneInfo

from core.services.indicator_queries import Queries, Row
from core.services.small_numbers import Line

OSLO = ZoneInfo("Europe/Oslo")
Key = tuple[str, str, str, str]  # metric, category, scope, period

# metrics summed over months into the year; the others are counted for the year by SQL
FLOWS = (
    "concerns",
    "opened",
    "level_up",
    "level_down",
    "first_measure",
    "one_to_two",
    "evaluation_due",
    "consents_requested",
    "consents_given",
    "consents_withdrawn",
    "consents_refused",
    "consents_expired",
    "arena",
    "closed",
)
_FLOWS = frozenset(FLOWS)
# metric -> the categories that add up to it (shown, so tied by a line)
PARTS = {
    "evaluation_due": ("on_time", "late", "overdue"),
    "active": ("family", "no_family"),
    "open_now": ("0", "1", "2", "3"),
    "holder_now": ("with", "without"),
}


def month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=OSLO).astimezone(dt.UTC)


@dataclass
class Cube:
    years: list[int]
    units: dict[str, str]  # unit id -> municipality id
    region: bool  # whether the municipalities add up to a region
    counts: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    days: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    _cells: dict[tuple[str, str, bool], list[tuple[str, str]]] = field(default_factory=dict, repr=False)

    @property
    def months(self) -> list[str]:
        return [f"{y}-{mo:02d}" for y in self.years for mo in range(1, 13)]

    def add(self, metric: str, cat: str, unit: str, mid: str, period: str, n: int, days: float = 0.0) -> None:
        """One unit's aggregate, added to its municipality and region (and year, for flows), and to the
        unit itself by year only: a unit's months would be almost all under 5, and leaving them out
        keeps the cube, and the sums tying it, to municipalities and the region."""
        flow = metric in _FLOWS
        cells = self._cells.get((unit, period, flow))
        if cells is None:
            cells = self._cells[(unit, period, flow)] = self._cells_of(unit, mid, period, flow)
        counts = self.counts
        for scope, p in cells:
            counts[(metric, cat, scope, p)] += n
        if days:
            for scope, p in cells:
                self.days[(metric, cat, scope, p)] += days

    def _cells_of(self, unit: str, mid: str, period: str, flow: bool) -> list[tuple[str, str]]:
        """The (scope, period) cells a unit's aggregate for ``period`` is added to."""
        cells = [(s, period) for s in (f"m:{mid}", *(["r"] if self.region else []))]
        if len(period) != 7:
            cells.append((f"u:{unit}", period))
        elif flow:
            year = period[:4]
            cells += [(f"m:{mid}", year), (f"u:{unit}", year), *([("r", year)] if self.region else [])]
        self.units.setdefault(unit, mid)
        return cells

    def lines(self) -> Iterable[Line]:
        """Every sum with something in it. A sum whose total is 0 has only zeros in it, and a zero
        part protects nothing, so both are left out: the lines grow with the cells that are not 0."""
        parents: dict[tuple[str, Key], list[Key]] = defaultdict(list)
        for key, n in self.counts.items():
            if n:
                for parent in self._parents(key):
                    parents[parent].append(key)
        return [Line(total, tuple(parts)) for (_, total), parts in parents.items()]

    def _parents(self, key: Key) -> list[tuple[str, Key]]:
        """The totals ``key`` is a part of, each with the kind of sum (a total can head several)."""
        metric, cat, scope, period = key
        out: list[tuple[str, Key]] = []
        if scope.startswith("u:"):
            out.append(("scope", (metric, cat, f"m:{self.units[scope[2:]]}", period)))
        elif scope.startswith("m:") and self.region:
            out.append(("scope", (metric, cat, "r", period)))
        if metric in _FLOWS and len(period) == 7:
            out.append(("period", (metric, cat, scope, period[:4])))
        if cat and (metric in PARTS or metric == "closed"):
            out.append(("category", (metric, "", scope, period)))
        return out


def build(queries: Queries, years: Sequence[int], units: dict[str, str], region: bool) -> Cube:
    """Every aggregate of ``years`` for the queries' municipalities, as one cube."""
    cube = Cube(list(years), dict(units), region)
    first, last = years[0], years[-1]
    month_bounds = [month_start(first, mo) for mo in range(1, 12 * len(years) + 2)]
    year_bounds = [month_start(y, 1) for y in [*years, last + 1]]
    date_bounds = [b.astimezone(OSLO).date() for b in month_bounds]
    months, labels_y = cube.months, [str(y) for y in years]

    def put(
        metric: str, rows: Iterable[Row], periods: Sequence[str], *, total: bool = True, cats: bool = True
    ) -> None:
        for mid, unit, p, cat, n, days in rows:
            if cats and cat:
                cube.add(metric, cat, unit, mid, periods[p], n, days)
            if total:
                cube.add(metric, "", unit, mid, periods[p], n, days)

    put("concerns", queries.concerns(month_bounds), months, cats=False)
    put("opened", queries.opened(month_bounds), months)
    put("closed", queries.closed(month_bounds), months)
    levels = queries.level_changes(month_bounds)
    for mid, unit, p, cat, n, _ in levels["moves"]:
        cube.add(f"level_{cat}", "", unit, mid, months[p], n)
    put("first_measure", queries.first_measure(month_bounds), months)
    put("one_to_two", levels["one_to_two"], months)
    put("evaluation_due", queries.evaluations(month_bounds), months)
    put("evaluation_due", queries.overdue(date_bounds), months)
    for mid, unit, p, cat, n, _ in queries.consents(month_bounds, date_bounds):
        cube.add(f"consents_{cat}", "", unit, mid, months[p], n)
    put("arena", queries.arena_discussions(month_bounds), months)
    spans = [*pairwise(month_bounds), *pairwise(year_bounds)]
    names = [*months, *labels_y]
    family = queries.family_cases(month_bounds, year_bounds)
    family_n = {(mid, unit, p): n for mid, unit, p, _, n, _ in family}
    for mid, unit, p, cat, n, _ in queries.active(spans):
        cube.add(cat, "", unit, mid, names[p], n)
        if cat == "active":
            fam = family_n.get((mid, unit, p), 0)
            cube.add("active", "family", unit, mid, names[p], fam)
            cube.add("active", "no_family", unit, mid, names[p], n - fam)
    for mid, unit, _, level, n, holders in queries.open_now():
        cube.add("open_now", "", unit, mid, "now", n)
        cube.add("open_now", level, unit, mid, "now", n)
        cube.add("holder_now", "", unit, mid, "now", n)
        cube.add("holder_now", "with", unit, mid, "now", int(holders))
        cube.add("holder_now", "without", unit, mid, "now", n - int(holders))
    return cube
