"""Følgeevaluering under /api/v1: the same numbers as the page, as JSON and as CSV (one row a cell)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from litestar import Controller, Response
from litestar.params import QueryParameter

from core.api.dependencies import UoW
from core.api.routes import read
from core.services.indicators import Cell, IndicatorReport

Scope = Annotated[
    Literal["unit", "municipality", "region"] | None,
    QueryParameter(
        query="scope",
        description="Enhet, kommune eller region; uten: det du ser først (regionen, kommunen, enheten din).",
    ),
]
UnitId = Annotated[
    str | None, QueryParameter(pattern=r"^[A-Za-z0-9._:-]{1,64}$", description="Enheten, når scope=unit.")
]
Year = Annotated[int | None, QueryParameter(ge=2000, le=2100, description="Året; uten: i år.")]
NOTES = {"under_5": "under 5", "hidden": "skjult", "not_shown": "ikke vist", "by_year": "bare per år"}


def _report(uow: UoW, scope: str | None, unit: str | None, year: int | None) -> IndicatorReport:
    with uow() as w:
        kind, default_unit = w.indicators.default_scope()
        return w.indicators.report(
            scope or kind, unit_id=unit or (default_unit if scope is None else None), year=year
        )


def text(cell: Cell) -> str:
    """A cell as a person reads it: the number, or why it is not shown."""
    if cell.value is None:
        return NOTES.get(cell.note, "")
    return f"{cell.value:g}"


class IndicatorController(Controller):
    path = "/indicators"
    tags = ("Følgeevaluering",)

    @read("/", purpose="indicators.read")
    def indicators(
        self, uow: UoW, view: Scope = None, unit: UnitId = None, year: Year = None
    ) -> IndicatorReport:
        """Indicators of how BTI is working, per month of ``year`` and for it and the two years before:
        for a unit (its leader), the municipality and its units (administrators, BTI coordinators), or
        the region's municipalities side by side (region coordinators). Counts from 1 to 4 have
        ``value`` null and ``note`` "under_5"; cells hidden so that a small count cannot be worked out
        have "hidden"; shares and averages built on them "not_shown". Each look is audited."""
        return _report(uow, view, unit, year)

    @read("/csv", purpose="indicators.read", media_type="text/csv")
    def indicators_csv(
        self, uow: UoW, view: Scope = None, unit: UnitId = None, year: Year = None
    ) -> Response[str]:
        """The same as CSV: one row per scope, indicator and period, the value as a person reads it
        ("under 5", "skjult", "ikke vist")."""
        rep = _report(uow, view, unit, year)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["omfang", "id", "navn", "indikator", "tittel", "enhet", "periode", "verdi"])
        for part in [rep.main, *rep.parts]:
            for series in part.series:
                for period, cell in zip(rep.periods, series.values, strict=True):
                    writer.writerow(
                        [
                            part.kind,
                            part.id,
                            part.name,
                            series.id,
                            series.title,
                            series.unit,
                            period,
                            text(cell),
                        ]
                    )
            for level, cell in enumerate(part.levels):
                writer.writerow(
                    [
                        part.kind,
                        part.id,
                        part.name,
                        f"open_now.{level}",
                        f"Åpne saker nå på nivå {level}",
                        "antall",
                        "nå",
                        text(cell),
                    ]
                )
            for target in part.targets:
                writer.writerow(
                    [
                        part.kind,
                        part.id,
                        part.name,
                        target.id,
                        target.title,
                        target.unit,
                        str(rep.year),
                        text(target.value),
                    ]
                )
        name = f"folgeevaluering-{rep.scope_id}-{rep.year}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
