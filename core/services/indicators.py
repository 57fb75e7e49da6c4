"""Følgeevaluering: how BTI is working, per unit, municipality and region, per month and year.

Who sees what is the policy's word (``Action.READ_INDICATORS``, ``READ_REGION_INDICATORS``) and each
look is audited. The numbers are SQL aggregates (``indicator_queries``) gathered into one cube
(``indicator_cube``) for the whole region, always, so every reader sees the same suppressed cells
(``small_numbers``): counts under 5 read "under 5", the cells hidden to protect them "skjult", and a
share or average built on a hidden or small count is not shown. Plugins add their own indicators and
targets through the ``indicators`` hook, from the same aggregates; core applies the rule to them too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from enum import StrEnum
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import select

from contracts import CaseStatistics, CloseReason, Indicator
from contracts.words import CLOSE_REASON_WORDS
from core.domain.policy import Action
from core.errors import InvalidInput, NotFound
from core.i18n import N_, _
from core.services.indicator_cube import OSLO, Cube, build
from core.services.indicator_queries import Queries
from core.services.small_numbers import THRESHOLD, suppress
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

YEARS_SHOWN = 3  # the trend per year: the chosen year and the two before it
MONTHS = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"]


class ScopeKind(StrEnum):
    UNIT = "unit"
    MUNICIPALITY = "municipality"
    REGION = "region"


class Cell(msgspec.Struct, frozen=True):
    """One number as it may be shown: ``value`` is None when ``note`` is "under_5" (a count from 1 to
    4), "hidden" (hidden so that a small count cannot be worked out from the others), "not_shown"
    (a share or an average built on a small or hidden count) or "by_year" (a unit's month: a unit's
    numbers are given per year)."""

    value: float | None
    note: str = ""


class Series(msgspec.Struct, frozen=True):
    id: str
    title: str
    unit: str  # "antall", "%", "dager"
    values: list[Cell]  # one per period of the report


class Target(msgspec.Struct, frozen=True):
    """A plugin's indicator for the chosen year, with its target if it has one."""

    id: str
    title: str
    unit: str
    value: Cell
    target: float | None = None
    met: bool | None = None
    description: str = ""


class ScopeReport(msgspec.Struct, frozen=True):
    kind: ScopeKind
    id: str
    name: str
    series: list[Series]
    levels: list[Cell]  # open cases now at nivå 0, 1, 2, 3
    with_relay_holder: Cell  # share of the open cases now that have a stafettholder, in %
    targets: list[Target]


class IndicatorReport(msgspec.Struct, frozen=True):
    scope: ScopeKind
    scope_id: str
    scope_name: str
    year: int
    periods: list[str]  # the months of the year (YYYY-MM), then the years (YYYY)
    period_labels: list[str]
    main: ScopeReport
    parts: list[ScopeReport]  # the units of a municipality, or the municipalities of a region
    computed_at: dt.datetime


COUNTS = [
    ("concerns", "", N_("Undringer registrert")),
    ("opened", "", N_("Saker opprettet")),
    ("active", "", N_("Saker i arbeid")),
    ("open_end", "", N_("Åpne saker ved periodens slutt")),
    ("level_up", "", N_("Saker flyttet opp et nivå")),
    ("level_down", "", N_("Saker flyttet ned et nivå")),
    ("evaluation_due", "", N_("Tiltak som skulle evalueres")),
    ("evaluation_due", "on_time", N_("Tiltak evaluert i tide")),
    ("consents_requested", "", N_("Samtykker bedt om")),
    ("consents_given", "", N_("Samtykker gitt")),
    ("consents_withdrawn", "", N_("Samtykker trukket tilbake")),
    ("consents_refused", "", N_("Samtykker avslått")),
    ("consents_expired", "", N_("Samtykker utløpt")),
    ("arena", "", N_("Saker løftet til drøftingsarena")),
    ("closed", "", N_("Saker avsluttet")),
    *[("closed", str(r), "") for r in CloseReason],  # titled in use: «Avsluttet: <the reason>»
]
SHARES = [  # id, title, numerator, denominator
    (
        "evaluated_on_time",
        N_("Andel tiltak evaluert i tide"),
        ("evaluation_due", "on_time"),
        ("evaluation_due", ""),
    ),
    ("family_took_part", N_("Andel saker der familien deltok"), ("active", "family"), ("active", "")),
]
AVERAGES = [  # id, title, the count whose days are averaged
    ("days_to_first_measure", N_("Dager fra undring til første tiltak (snitt)"), "first_measure"),
    ("days_level_one_to_two", N_("Dager fra nivå 1 til nivå 2 (snitt)"), "one_to_two"),
]


def _closed_title(reason: str) -> str:
    return _("Avsluttet: {reason}").format(reason=_(CLOSE_REASON_WORDS[CloseReason(reason)]).lower())


class IndicatorService:
    def __init__(self, work: Work) -> None:
        self.work = work

    def default_scope(self) -> tuple[ScopeKind, str | None]:
        """What a reader sees first: the region, the municipality, or the first unit they lead."""
        actor = self.work.actor
        roles = {str(r) for r in actor.municipal_roles}
        if "region_coordinator" in roles and self._region() is not None:
            return ScopeKind.REGION, None
        if roles & {"administrator", "coordinator", "region_coordinator"}:
            return ScopeKind.MUNICIPALITY, None
        led = sorted(u for u in actor.unit_roles if actor.is_leader_of(u))
        return (ScopeKind.UNIT, led[0]) if led else (ScopeKind.MUNICIPALITY, None)

    def report(
        self, scope: ScopeKind | str, *, unit_id: str | None = None, year: int | None = None
    ) -> IndicatorReport:
        work = self.work
        kind = _parse_scope(scope)
        today = work.now.astimezone(OSLO).date()
        year = today.year if year is None else year
        if not 2000 <= year <= today.year:
            raise InvalidInput(_("Året må være fra 2000 til {year}.").format(year=today.year), field="year")
        municipalities = self._municipalities()
        units = self._units([mid for mid, _, _ in municipalities])
        if kind is ScopeKind.UNIT:
            if unit_id is None:
                raise InvalidInput(_("Velg en enhet."), field="unit")
            if units.get(unit_id, (None, ""))[0] != work.municipality_id:
                raise NotFound(
                    _("Fant ingen enhet med id «{unit_id}».").format(unit_id=unit_id), code="unit_not_found"
                )
            work.authorize(Action.READ_INDICATORS, unit_id=unit_id)
        elif kind is ScopeKind.REGION:
            work.authorize(Action.READ_REGION_INDICATORS)
            if self._region() is None:
                raise InvalidInput(_("Kommunen er ikke med i en region."), field="scope")
        else:
            work.authorize(Action.READ_INDICATORS)
        years = list(range(year - YEARS_SHOWN + 1, year + 1))
        queries = Queries(work.session, [mid for mid, _, _ in municipalities], work.now)
        cube = build(queries, years, {u: mid for u, (mid, _) in units.items()}, self._region() is not None)
        view = _View(cube, suppress(cube.counts, cube.lines()), year, work)
        mid = work.municipality_id
        names = {
            mid_: name if (named or mid_ == mid) else _("Kommune (ikke navngitt)")
            for mid_, name, named in municipalities
        }
        if kind is ScopeKind.UNIT:
            assert unit_id is not None
            main = view.scope(ScopeKind.UNIT, f"u:{unit_id}", unit_id, units[unit_id][1])
            parts: list[ScopeReport] = []
        elif kind is ScopeKind.MUNICIPALITY:
            main = view.scope(ScopeKind.MUNICIPALITY, f"m:{mid}", mid, names[mid])
            own = sorted((name, u) for u, (umid, name) in units.items() if umid == mid)
            parts = [view.scope(ScopeKind.UNIT, f"u:{u}", u, name) for name, u in own]
        else:
            region = self._region() or ""
            main = view.scope(ScopeKind.REGION, "r", region, region)
            parts = [view.scope(ScopeKind.MUNICIPALITY, f"m:{i}", i, names[i]) for i, _, _ in municipalities]
        return IndicatorReport(
            scope=kind,
            scope_id=main.id,
            scope_name=main.name,
            year=year,
            periods=view.periods,
            period_labels=[f"{MONTHS[i]} {year}" for i in range(12)] + [str(y) for y in years],
            main=main,
            parts=parts,
            computed_at=work.now,
        )

    def _region(self) -> str | None:
        return self.work.session.scalar(
            select(m.MunicipalityRow.region).where(m.MunicipalityRow.id == self.work.municipality_id)
        )

    def _municipalities(self) -> list[tuple[str, str, bool]]:
        """The municipalities computed together: the region's, or the actor's own alone."""
        region = self._region()
        where = (
            m.MunicipalityRow.region == region
            if region
            else m.MunicipalityRow.id == self.work.municipality_id
        )
        rows = self.work.session.execute(
            select(m.MunicipalityRow.id, m.MunicipalityRow.name, m.MunicipalityRow.named_in_region)
            .where(where)
            .order_by(m.MunicipalityRow.name, m.MunicipalityRow.id)
        )
        return [(i, n, bool(named)) for i, n, named in rows]

    def _units(self, mids: list[str]) -> dict[str, tuple[str, str]]:
        rows = self.work.session.execute(
            select(m.UnitRow.id, m.UnitRow.municipality_id, m.UnitRow.name).where(
                m.UnitRow.municipality_id.in_(mids)
            )
        )
        return {u: (mid, name) for u, mid, name in rows}


def _parse_scope(scope: ScopeKind | str) -> ScopeKind:
    try:
        return ScopeKind(scope)
    except ValueError:
        raise InvalidInput(
            _("Visningen må være «unit», «municipality» eller «region»."), field="scope"
        ) from None


class _View:
    """The cube as it may be shown, for the periods of one year."""

    def __init__(self, cube: Cube, hidden: set, year: int, work: Work) -> None:
        self.cube, self.hidden, self.year, self.work = cube, hidden, year, work
        self.shown: dict[str, set[int]] = defaultdict(lambda: {0})  # scope -> its counts shown this year
        periods = {str(year), "now"}
        for key, n in cube.counts.items():
            if key[3] in periods and key not in hidden:
                self.shown[key[2]].add(n)
        self.periods = [f"{year}-{mo:02d}" for mo in range(1, 13)] + [str(y) for y in cube.years]

    def count(self, metric: str, cat: str, scope: str, period: str) -> Cell:
        if scope.startswith("u:") and len(period) == 7:
            return Cell(None, "by_year")  # a unit's numbers are per year (indicator_cube)
        key = (metric, cat, scope, period)
        n = self.cube.counts.get(key, 0)
        if key in self.hidden:
            return Cell(None, "under_5" if 0 < n < THRESHOLD else "hidden")
        return Cell(float(n))

    def share(self, part: tuple[str, str], whole: tuple[str, str], scope: str, period: str) -> Cell:
        top, bottom = self.count(*part, scope, period), self.count(*whole, scope, period)
        if top.value is None or bottom.value is None or bottom.value < THRESHOLD:
            return Cell(None, "not_shown" if bottom.value != 0 else "")
        return Cell(round(100.0 * top.value / bottom.value, 1))

    def average(self, metric: str, scope: str, period: str) -> Cell:
        n = self.count(metric, "", scope, period)
        if n.value is None or n.value < THRESHOLD:
            return Cell(None, "not_shown" if n.value != 0 else "")
        return Cell(round(self.cube.days[(metric, "", scope, period)] / n.value, 1))

    def scope(self, kind: ScopeKind, key: str, id: str, name: str) -> ScopeReport:
        ps = self.periods
        series = [
            Series(
                f"{metric}.{cat}" if cat else metric,
                _(title) if title else _closed_title(cat),
                _("antall"),
                [self.count(metric, cat, key, p) for p in ps],
            )
            for metric, cat, title in COUNTS
        ]
        series += [Series(i, _(t), "%", [self.share(a, b, key, p) for p in ps]) for i, t, a, b in SHARES]
        days = _("dager")
        series += [Series(i, _(t), days, [self.average(c, key, p) for p in ps]) for i, t, c in AVERAGES]
        levels = [self.count("open_now", str(level), key, "now") for level in range(4)]
        holder = self.share(("holder_now", "with"), ("holder_now", ""), key, "now")
        return ScopeReport(kind, id, name, series, levels, holder, self.targets(kind, key, id))

    def targets(self, kind: ScopeKind, key: str, id: str) -> list[Target]:
        """The plugins' indicators for the year, from the same aggregates, under the same rule."""
        stats = self.statistics(kind, key, id)
        # a plugin's number is shown only when it is one of the counts shown for the scope in the year
        # (or 0), so nothing a plugin computes tells more than the table beside it
        return [_target(i, self.shown[key]) for i in self.work.plugins.indicators(stats)]

    def statistics(self, kind: ScopeKind, key: str, id: str) -> CaseStatistics:
        y = str(self.year)

        def n(metric: str, cat: str = "", period: str = y) -> int:
            return self.cube.counts.get((metric, cat, key, period), 0)

        reasons = {str(r): n("closed", str(r)) for r in CloseReason if n("closed", str(r))}
        return CaseStatistics(
            municipality_id=self.work.municipality_id,
            unit_id=id if kind is ScopeKind.UNIT else None,
            period_start=dt.date(self.year, 1, 1),
            period_end=dt.date(self.year, 12, 31),
            open_cases_by_level={lv: n("open_now", str(lv), "now") for lv in range(4)},
            cases_opened=n("opened"),
            cases_closed=n("closed"),
            cases_closed_by_reason=reasons,
            cases_with_relay_holder=n("holder_now", "with", "now"),
            measures_created=n("first_measure"),
            measures_evaluated_on_time=n("evaluation_due", "on_time"),
            measures_evaluated_late=n("evaluation_due", "late"),
            measures_overdue=n("evaluation_due", "overdue"),
            consents_given=n("consents_given"),
            consents_withdrawn=n("consents_withdrawn"),
            family_comments=n("active", "family"),
            concerns_registered=n("concerns"),
            level_changes_up=n("level_up"),
            level_changes_down=n("level_down"),
            consents_requested=n("consents_requested"),
            consents_expired=n("consents_expired"),
            consents_refused=n("consents_refused"),
            cases_active=n("active"),
            cases_with_family_participation=n("active", "family"),
            cases_discussed_in_arena=n("arena"),
        )


def _target(indicator: Indicator, published: set[int]) -> Target:
    """A plugin's indicator under the small-number rule: a share is shown when its numerator and
    denominator are published counts and the denominator is 5 or more; a number without them when it
    is itself a published count. A hidden value takes its description with it (it may hold numbers)."""
    top, bottom = indicator.numerator, indicator.denominator
    if bottom is not None or top is not None:
        ok = top in published and bottom in published and (bottom or 0) >= THRESHOLD
    else:
        ok = indicator.value.is_integer() and int(indicator.value) in published
    note = "" if ok else ("under_5" if 0 < indicator.value < THRESHOLD and bottom is None else "not_shown")
    value = Cell(indicator.value) if ok else Cell(None, note)
    met = None
    if indicator.target is not None and value.value is not None:
        met = (
            value.value >= indicator.target if indicator.higher_is_better else value.value <= indicator.target
        )
    description = indicator.description if ok else ""
    return Target(indicator.id, indicator.title, indicator.unit, value, indicator.target, met, description)
