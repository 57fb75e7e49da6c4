"""The SQL of følgeevaluering: every number is a grouped aggregate the database computes, per
municipality, unit and period; no query returns a single case.

Each function answers rows ``(municipality_id, unit_id, period, category, count, total)``: ``period`` is
the index of the period in ``bounds`` (periods are the half-open spans between consecutive bounds),
``category`` a breakdown ("" when there is none), ``count`` how many, ``total`` the sum of a value (days,
for the averages) or 0. Periods are bucketed by a CASE expression in a subquery, so the grouping is the
same expression on SQLite and PostgreSQL. Days between two timestamps and the day of a timestamp are the
two things the dialects spell differently (``Dialect``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Select, and_, case, cast, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from contracts import LogEntryKind, MeasureStatus, MeetingKind, PersonKind
from core.storage import models as m

Row = tuple[str, str, int, str, int, float]
FAMILY_KINDS = (str(PersonKind.GUARDIAN), str(PersonKind.CHILD), str(PersonKind.PREGNANT))
# entries a family writes itself: a comment (also on a home task), a consent given digitally
FAMILY_ENTRIES = (str(LogEntryKind.FAMILY_COMMENT), str(LogEntryKind.CONSENT_GIVEN))


@dataclass(frozen=True)
class Dialect:
    name: str

    def days(self, later: Any, earlier: Any) -> Any:
        if self.name == "sqlite":
            return func.julianday(later) - func.julianday(earlier)
        return func.extract("epoch", later - earlier) / 86400.0

    def day(self, at: Any) -> Any:
        """The UTC calendar day of a timestamp, comparable with a DATE column."""
        if self.name == "sqlite":
            return func.date(at)
        return cast(func.timezone("UTC", at), Date)


def period_of(at: Any, bounds: Sequence[Any], lo: int = 0, hi: int | None = None) -> Any:
    """The index of the period ``at`` falls in (for ``bounds[0] <= at < bounds[-1]``), as a CASE that
    halves the periods at each step: about 6 comparisons a row for 3 years of months, not 36."""
    hi = len(bounds) - 1 if hi is None else hi
    if hi - lo == 1:
        return literal(lo)
    mid = (lo + hi) // 2
    return case((at < bounds[mid], period_of(at, bounds, lo, mid)), else_=period_of(at, bounds, mid, hi))


def _bucket(base: Select[Any], bounds: Sequence[Any], *, distinct: bool = False) -> Select[Any]:
    """``base`` (columns mid, unit, at, cat, val) grouped by municipality, unit, period and category: the
    count (of distinct ``val`` when ``distinct``) and the sum of ``val``."""
    inner = base.subquery()
    period = period_of(inner.c.at, bounds)
    cut = (
        select(inner.c.mid, inner.c.unit, period.label("p"), inner.c.cat, inner.c.val)
        .where(inner.c.at >= bounds[0], inner.c.at < bounds[-1])
        .subquery()
    )
    counted = func.count(func.distinct(cut.c.val)) if distinct else func.count()
    total = literal(0) if distinct else func.coalesce(func.sum(cut.c.val), 0)
    return select(cut.c.mid, cut.c.unit, cut.c.p, cut.c.cat, counted, total).group_by(
        cut.c.mid, cut.c.unit, cut.c.p, cut.c.cat
    )


def _rows(result: Any) -> list[Row]:
    """The rows in the order of their group (municipality, unit, period, category), whatever plan the
    database chose: the small-number rule goes through the cells in the order they came."""
    return sorted((a, b, int(p), c or "", int(n), float(t or 0)) for a, b, p, c, n, t in result)


class Queries:
    """The aggregates for the municipalities ``mids`` (real cases only) over periods cut at ``bounds``."""

    def __init__(self, session: Session, mids: Sequence[str], now: dt.datetime) -> None:
        self.session, self.mids, self.now = session, list(mids), now
        self.dialect = Dialect(session.get_bind().dialect.name)

    def _case_scope(self) -> Any:
        return m.CaseRow.municipality_id.in_(self.mids)

    def _bucketed(self, base: Select[Any], bounds: Sequence[Any], *, distinct: bool = False) -> list[Row]:
        """Group ``base`` (columns mid, unit, at, cat, val) by municipality, unit, period and category."""
        return _rows(self.session.execute(_bucket(base, bounds, distinct=distinct)).all())

    def _together(self, **queries: Select[Any]) -> dict[str, list[Row]]:
        """Several bucketed queries as one statement (so a CTE they share is read once), answered by name."""
        tagged = [q.add_columns(literal(name).label("query")) for name, q in queries.items()]
        out: dict[str, list[Any]] = {name: [] for name in queries}
        for *row, name in self.session.execute(union_all(*tagged)).all():
            out[name].append(row)
        return {name: _rows(rows) for name, rows in out.items()}

    def _of_cases(self, at: Any, cat: Any = "", val: Any = 0) -> Select[Any]:
        return select(
            m.CaseRow.municipality_id.label("mid"),
            m.CaseRow.owner_unit_id.label("unit"),
            at.label("at"),
            (literal(cat) if isinstance(cat, str) else cat).label("cat"),
            (literal(val) if isinstance(val, int) else val).label("val"),
        ).where(self._case_scope())

    # --- flows: each event counted in the one period it happened in --------------------------------

    def concerns(self, bounds: Sequence[dt.datetime]) -> list[Row]:
        base = self._of_cases(m.ConcernRow.recorded_at, m.ConcernRow.kind).join(
            m.ConcernRow, m.ConcernRow.case_id == m.CaseRow.id
        )
        return self._bucketed(base, bounds)

    def opened(self, bounds: Sequence[dt.datetime]) -> list[Row]:
        return self._bucketed(self._of_cases(m.CaseRow.opened_at), bounds)

    def closed(self, bounds: Sequence[dt.datetime]) -> list[Row]:
        base = self._of_cases(m.CaseRow.closed_at, m.CaseRow.close_reason).where(
            m.CaseRow.closed_at.is_not(None)
        )
        return self._bucketed(base, bounds)

    def level_changes(self, bounds: Sequence[dt.datetime]) -> dict[str, list[Row]]:
        """From one read of the stafettlogg's level changes: "moves", the changes by direction ("up" or
        "down"); "one_to_two", the cases that first reached nivå 2 in the period, with the days since they
        first reached nivå 1."""
        entry = m.LogEntryRow
        changes = (
            select(
                m.CaseRow.municipality_id.label("mid"),
                m.CaseRow.owner_unit_id.label("unit"),
                entry.case_id,
                entry.at,
                entry.data["to"].as_integer().label("to"),
                entry.data["from"].as_integer().label("from_"),
            )
            .join(entry, entry.case_id == m.CaseRow.id)
            # the kind written out, not bound: so the level changes' partial index (with their data) serves
            .where(self._case_scope(), entry.kind == literal_column(f"'{LogEntryKind.LEVEL_CHANGED}'"))
            .cte("level_changes")
        )
        c = changes.c
        direction = case((c.to > c.from_, "up"), else_="down")
        moves = select(c.mid, c.unit, c.at, direction.label("cat"), literal(0).label("val"))
        reached = (
            select(
                c.mid,
                c.unit,
                func.min(case((c.to == 1, c.at))).label("one"),
                func.min(case((c.to == 2, c.at))).label("two"),
            )
            .group_by(c.mid, c.unit, c.case_id)
            .subquery()
        )
        r = reached.c
        days = self.dialect.days(r.two, r.one).label("val")
        one_to_two = select(r.mid, r.unit, r.two.label("at"), literal("").label("cat"), days)
        one_to_two = one_to_two.where(r.one.is_not(None), r.two.is_not(None))
        return self._together(moves=_bucket(moves, bounds), one_to_two=_bucket(one_to_two, bounds))

    def first_measure(self, bounds: Sequence[dt.datetime]) -> list[Row]:
        """Cases whose first tiltak came in the period, with the days from the undring to it."""
        first = (
            select(m.MeasureRow.case_id, func.min(m.MeasureRow.created_at).label("first"))
            .group_by(m.MeasureRow.case_id)
            .subquery()
        )
        base = self._of_cases(first.c.first, val=self.dialect.days(first.c.first, m.CaseRow.opened_at)).join(
            first, first.c.case_id == m.CaseRow.id
        )
        return self._bucketed(base, bounds)

    def evaluations(self, bounds: Sequence[dt.datetime]) -> list[Row]:
        """Evaluations made, "on_time" when made by the date they were due (the measure's date, or the
        one the evaluation before set), else "late"."""
        previous = func.lag(m.EvaluationRow.next_evaluation_date).over(
            partition_by=m.EvaluationRow.measure_id, order_by=m.EvaluationRow.evaluated_at
        )
        made = select(
            m.EvaluationRow.measure_id,
            m.EvaluationRow.evaluated_at,
            previous.label("previous"),
        ).subquery()
        due = func.coalesce(made.c.previous, m.MeasureRow.evaluation_date)
        timely = case((self.dialect.day(made.c.evaluated_at) <= due, "on_time"), else_="late")
        base = (
            self._of_cases(made.c.evaluated_at, timely)
            .join(m.MeasureRow, m.MeasureRow.case_id == m.CaseRow.id)
            .join(made, made.c.measure_id == m.MeasureRow.id)
        )
        return self._bucketed(base, bounds)

    def overdue(self, bounds: Sequence[dt.date]) -> list[Row]:
        """Active tiltak whose evaluation fell due in the period and is still not made (by due date)."""
        base = (
            self._of_cases(m.MeasureRow.next_evaluation_date, "overdue")
            .join(m.MeasureRow, m.MeasureRow.case_id == m.CaseRow.id)
            .where(m.MeasureRow.status == MeasureStatus.ACTIVE)
            .where(m.MeasureRow.next_evaluation_date < self.now.date())
        )
        return self._bucketed(base, bounds)

    def consents(self, bounds: Sequence[dt.datetime], dates: Sequence[dt.date]) -> list[Row]:
        """Consents asked for, given (the last guardian signed), withdrawn, refused, and expired (by
        valid_to), from one read of the consents: the category says which."""
        c = m.ConsentRow
        consents = (
            select(
                m.CaseRow.municipality_id.label("mid"),
                m.CaseRow.owner_unit_id.label("unit"),
                c.id,
                c.recorded_at,
                c.withdrawn_at,
                c.refused_at,
                c.valid_to,
            )
            .join(c, c.case_id == m.CaseRow.id)
            .where(self._case_scope())
            .cte("consents")
        )
        k = consents.c
        signed = (
            select(m.ConsentGiverRow.consent_id, func.max(m.ConsentGiverRow.given_at).label("at"))
            .group_by(m.ConsentGiverRow.consent_id)
            .having(func.count(m.ConsentGiverRow.given_at) == func.count())
            .subquery()
        )

        def of(at: Any, cat: str) -> Select[Any]:
            return select(k.mid, k.unit, at.label("at"), literal(cat).label("cat"), literal(0).label("val"))

        given = of(signed.c.at, "given").join(signed, signed.c.consent_id == k.id)
        expired = of(k.valid_to, "expired").where(k.withdrawn_at.is_(None), k.refused_at.is_(None))
        rows = self._together(
            requested=_bucket(of(k.recorded_at, "requested"), bounds),
            given=_bucket(given, bounds),
            withdrawn=_bucket(of(k.withdrawn_at, "withdrawn").where(k.withdrawn_at.is_not(None)), bounds),
            refused=_bucket(of(k.refused_at, "refused").where(k.refused_at.is_not(None)), bounds),
            expired=_bucket(expired.where(k.valid_to < self.now.date()), dates),
        )
        return [row for part in rows.values() for row in part]

    def arena_discussions(self, bounds: Sequence[dt.datetime]) -> list[Row]:
        """Cases lifted to a drøftingsarena: discussion meetings about a case."""
        base = (
            self._of_cases(m.MeetingRow.starts_at)
            .join(m.MeetingRow, m.MeetingRow.case_id == m.CaseRow.id)
            .where(m.MeetingRow.kind == MeetingKind.DISCUSSION)
        )
        return self._bucketed(base, bounds)

    def family_cases(self, bounds: Sequence[dt.datetime], years: Sequence[dt.datetime]) -> list[Row]:
        """Distinct cases where the family wrote in the stafettlogg (a comment, a home task, a consent
        given digitally), per month of ``bounds`` and then per year of ``years`` (periods numbered after
        the months'), from one read of the entries: a year's count is no sum of its months'."""
        entry = m.LogEntryRow
        written = (
            select(
                m.CaseRow.municipality_id.label("mid"),
                m.CaseRow.owner_unit_id.label("unit"),
                entry.at,
                literal("").label("cat"),
                m.CaseRow.id.label("val"),
            )
            .join(entry, entry.case_id == m.CaseRow.id)
            .join(m.PersonRow, m.PersonRow.id == entry.author_id)
            .where(self._case_scope(), entry.kind.in_(FAMILY_ENTRIES), m.PersonRow.kind.in_(FAMILY_KINDS))
            .where(entry.at >= min(bounds[0], years[0]), entry.at < max(bounds[-1], years[-1]))
            .cte("family_entries")
        )
        rows = self._together(
            months=_bucket(select(written), bounds, distinct=True),
            years=_bucket(select(written), years, distinct=True),
        )
        shift = len(bounds) - 1
        return rows["months"] + [(a, b, p + shift, c, n, t) for a, b, p, c, n, t in rows["years"]]

    # --- stocks: counted per period, not summed over periods -----------------------------------------

    def active(self, periods: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[Row]:
        """Per period: cases open at some time in it ("active") and open at its end ("open_end")."""
        cols: list[Any] = []
        for start, end in periods:
            running = and_(
                m.CaseRow.opened_at < end, or_(m.CaseRow.closed_at.is_(None), m.CaseRow.closed_at >= start)
            )
            at_end = and_(
                m.CaseRow.opened_at < end, or_(m.CaseRow.closed_at.is_(None), m.CaseRow.closed_at >= end)
            )
            cols += [func.sum(case((running, 1), else_=0)), func.sum(case((at_end, 1), else_=0))]
        query = (
            select(m.CaseRow.municipality_id, m.CaseRow.owner_unit_id, *cols)
            .where(self._case_scope())
            .group_by(m.CaseRow.municipality_id, m.CaseRow.owner_unit_id)
        )
        rows: list[Row] = []
        for mid, unit, *sums in sorted(self.session.execute(query)):  # in group order, as ``_rows``
            for i in range(len(periods)):
                rows.append((mid, unit, i, "active", int(sums[2 * i] or 0), 0.0))
                rows.append((mid, unit, i, "open_end", int(sums[2 * i + 1] or 0), 0.0))
        return rows

    def open_now(self) -> list[Row]:
        """Open cases now by level, and how many of them have a stafettholder ("holder")."""
        has_holder = case((m.CaseRow.relay_holder_id.is_not(None), 1), else_=0)
        query = (
            select(
                m.CaseRow.municipality_id,
                m.CaseRow.owner_unit_id,
                m.CaseRow.level,
                func.count(),
                func.sum(has_holder),
            )
            .where(self._case_scope(), m.CaseRow.status == "open")
            .group_by(m.CaseRow.municipality_id, m.CaseRow.owner_unit_id, m.CaseRow.level)
        )
        return [
            (a, b, 0, str(level), int(n), float(h or 0))
            for a, b, level, n, h in sorted(self.session.execute(query))  # in group order, as ``_rows``
        ]
