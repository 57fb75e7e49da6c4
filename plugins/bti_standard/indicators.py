"""Indicators of how the model is working, computed from aggregate numbers only.

A share with nothing to measure (say, no measures due in the period) is left out rather than
shown as 0 %, which would read as failure.
"""

from __future__ import annotations

from contracts import CaseStatistics, Indicator


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def compute(stats: CaseStatistics) -> list[Indicator]:
    out: list[Indicator] = []
    due = stats.measures_evaluated_on_time + stats.measures_evaluated_late + stats.measures_overdue
    if (value := _share(stats.measures_evaluated_on_time, due)) is not None:
        out.append(
            Indicator(
                id="bti.tiltak-evaluert-i-tide",
                title="Tiltak evaluert i tide",
                value=value,
                unit="%",
                description=f"{stats.measures_evaluated_on_time} av {due} tiltak som skulle evalueres i "
                "perioden, ble evaluert innen fristen.",
            )
        )
    open_cases = sum(stats.open_cases_by_level.values())
    if (value := _share(stats.cases_with_relay_holder, open_cases)) is not None:
        out.append(
            Indicator(
                id="bti.saker-med-stafettholder",
                title="Åpne saker med stafettholder",
                value=value,
                unit="%",
                description=f"{stats.cases_with_relay_holder} av {open_cases} åpne saker har stafettholder.",
            )
        )
    if (value := _share(stats.consents_withdrawn, stats.consents_given)) is not None:
        out.append(
            Indicator(
                id="bti.samtykke-trukket",
                title="Samtykker trukket tilbake",
                value=value,
                unit="%",
                description=f"{stats.consents_withdrawn} samtykker trukket tilbake, "
                f"{stats.consents_given} gitt i perioden.",
            )
        )
    out.append(
        Indicator(
            id="bti.tiltak-over-frist",
            title="Tiltak med evaluering over frist",
            value=float(stats.measures_overdue),
            unit="antall",
            description="Tiltak der evalueringsdatoen er passert uten at tiltaket er evaluert.",
        )
    )
    for level in range(4):
        count = stats.open_cases_by_level.get(level, 0)
        out.append(
            Indicator(
                id=f"bti.apne-saker-niva-{level}",
                title=f"Åpne saker på nivå {level}",
                value=float(count),
                unit="antall",
                description=f"Andel av åpne saker: {_share(count, open_cases) or 0.0} %.",
            )
        )
    return out
