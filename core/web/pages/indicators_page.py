"""Følgeevaluering: the indicators of a unit, the municipality or the region as charts with tables."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from core.errors import InvalidInput
from core.i18n import N_, _
from core.platform import Work
from core.services.indicators import IndicatorReport, ScopeKind, Series
from core.web import charts
from core.web.pages.shared import _run, real_cases_only, show

TRENDS = ["concerns", "opened", "evaluated_on_time", "family_took_part", "days_to_first_measure"]
SIDE_BY_SIDE = ["concerns", "opened", "active", "evaluated_on_time", "family_took_part", "closed"]
NOTES = {
    "under_5": N_("under 5"),
    "hidden": N_("skjult"),
    "not_shown": N_("ikke vist"),
    "by_year": N_("bare per år"),
}


def _int(text: str | None, field: str, label: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(_("«{label}» må være et tall.").format(label=label), field=field) from None


def load(w: Work, scope: str | None, unit: str | None, year: int | None) -> dict[str, Any]:
    kind, led = w.indicators.default_scope()
    rep = w.indicators.report(scope or kind, unit_id=unit or (led if scope is None else None), year=year)
    return {"rep": rep, "led": [u for u in w.directory.units() if w.actor.is_leader_of(u.id)]}


def cell_text(cell: Any) -> str:
    return _(NOTES.get(cell.note, "")) if cell.value is None else f"{cell.value:g}"


def _series(rep: IndicatorReport, id: str) -> Series:
    return next(s for s in rep.main.series if s.id == id)


@get("/folgeevaluering", before_request=real_cases_only)
async def indicators(request: Request) -> Response:
    q = request.query_params
    scope = q.get("omfang") or None
    year = _int(q.get("ar"), "ar", _("År"))
    data = await _run(request, "indicators.read", load, scope, q.get("enhet") or None, year)
    rep: IndicatorReport = data["rep"]
    by_year = rep.scope is ScopeKind.UNIT  # a unit's numbers are per year
    months = rep.period_labels[12:] if by_year else rep.period_labels[:12]
    short = months if by_year else [m.split()[0] for m in months]
    span = slice(12, None) if by_year else slice(0, 12)
    levels = rep.main.levels
    level_chart = charts.bars(
        "niva",
        _("Åpne saker nå per nivå"),
        [_("Nivå {number}").format(number=i) for i in range(4)],
        [c.value for c in levels],
        [cell_text(c) for c in levels],
    )
    trends = []
    for id in TRENDS:
        s = _series(rep, id)
        values = s.values[span]
        trends.append(
            {
                "series": s,
                "chart": charts.line(
                    f"trend-{id}",
                    (
                        _("{title} per år").format(title=_(s.title))
                        if by_year
                        else _("{title} per måned i {year}").format(title=_(s.title), year=rep.year)
                    ),
                    short,
                    [c.value for c in values],
                    s.unit,
                ),
                "cells": list(zip(months, [cell_text(c) for c in values], strict=True)),
            }
        )
    years = rep.periods[12:]
    return await show(
        request,
        "folgeevaluering.html",
        rep=rep,
        led=data["led"],
        level_chart=level_chart,
        levels=[(_("Nivå {number}").format(number=i), cell_text(c)) for i, c in enumerate(levels)],
        holder=cell_text(rep.main.with_relay_holder),
        trends=trends,
        by_year=by_year,
        years=years,
        yearly=[(s, [cell_text(c) for c in s.values[12:]]) for s in rep.main.series],
        side=[_series(rep, i) for i in SIDE_BY_SIDE],
        parts=[
            (p, [cell_text(next(s for s in p.series if s.id == i).values[-1]) for i in SIDE_BY_SIDE])
            for p in rep.parts
        ],
        cell_text=cell_text,
        kinds=ScopeKind,
        query=request.url.query,
    )
