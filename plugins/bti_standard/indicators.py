"""Indicators of how the model is working, computed from aggregate numbers only.

A share with nothing to measure (say, no measures due in the period) is left out rather than
shown as 0 %, which would read as failure.
"""

from __future__ import annotations

from contracts import CaseStatistics, Indicator
from contracts.texts import translate

# The descriptions with values, each one text of the catalogue (locale/nn/LC_MESSAGES/bti_standard.po).
ON_TIME = (
    "{part} av {whole} tiltak som skulle evalueres i perioden, ble evaluert innen fristen. Målet er 90 %."
)
WITH_HOLDER = "{part} av {whole} åpne saker har stafettholder."
WITHDRAWN = "{withdrawn} samtykker trukket tilbake, {given} gitt i perioden."
SHARE_OF_OPEN = "Andel av åpne saker: {share} %."


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _percent(
    id: str, title: str, part: int, whole: int, description: str, target: float | None = None
) -> list[Indicator]:
    """The share ``part`` of ``whole`` in %, or nothing when there is nothing to measure; numerator and
    denominator go with it, so core applies the small-number rule."""
    if (value := _share(part, whole)) is None:
        return []
    return [
        Indicator(
            id=id,
            title=title,
            value=value,
            unit="%",
            description=description,
            numerator=part,
            denominator=whole,
            target=target,
        )
    ]


def compute(stats: CaseStatistics) -> list[Indicator]:
    due = stats.measures_evaluated_on_time + stats.measures_evaluated_late + stats.measures_overdue
    open_cases = sum(stats.open_cases_by_level.values())
    out = [
        *_percent(
            "bti.tiltak-evaluert-i-tide",
            "Tiltak evaluert i tide",
            stats.measures_evaluated_on_time,
            due,
            translate(ON_TIME).format(part=stats.measures_evaluated_on_time, whole=due),
            target=90.0,
        ),
        *_percent(
            "bti.saker-med-stafettholder",
            "Åpne saker med stafettholder",
            stats.cases_with_relay_holder,
            open_cases,
            translate(WITH_HOLDER).format(part=stats.cases_with_relay_holder, whole=open_cases),
        ),
        *_percent(
            "bti.familien-deltok",
            "Saker der familien deltok",
            stats.cases_with_family_participation,
            stats.cases_active,
            "Saker i arbeid der familien skrev i stafettloggen, svarte på en hjemmelekse eller ga samtykke "
            "digitalt. Målet er at familien deltar i minst 75 % av sakene.",
            target=75.0,
        ),
        *_percent(
            "bti.samtykke-trukket",
            "Samtykker trukket tilbake",
            stats.consents_withdrawn,
            stats.consents_given,
            translate(WITHDRAWN).format(withdrawn=stats.consents_withdrawn, given=stats.consents_given),
        ),
    ]
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
                description=translate(SHARE_OF_OPEN).format(share=_share(count, open_cases) or 0.0),
            )
        )
    return out
