"""The national individuell plan: what forskrift om habilitering, rehabilitering, individuell plan og
koordinator § 21 asks a plan to hold, besides what the case already has (who takes part, the
coordinator, the tiltak, the consent)."""

from __future__ import annotations

from contracts import PlanSection, PlanTemplate

PLAN = PlanTemplate(
    id="individuell-plan",
    title="Individuell plan",
    sections=[
        PlanSection(
            id="ressurser",
            title="Ressurser",
            help="Det som fungerer, og det barnet og familien er gode på.",
        ),
        PlanSection(
            id="behov",
            title="Behov for tjenester",
            help="Hva barnet og familien trenger hjelp til, sett fra dem og fra tjenestene.",
        ),
    ],
)
