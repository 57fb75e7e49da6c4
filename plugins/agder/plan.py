"""BTI Agder's individuell plan: revised every four months, with a kriseplan after the national
sections (core adds a template's sections to those of the plugins enabled before it)."""

from __future__ import annotations

from contracts import PlanSection, PlanTemplate

PLAN = PlanTemplate(
    id="agder-individuell-plan",
    title="Individuell plan (BTI Agder)",
    revision_months=4,
    sections=[
        PlanSection(
            id="kriseplan",
            title="Kriseplan",
            help="Hva gjør vi hvis det blir vanskelig: tegn å se etter, hvem som ringes, hva som hjelper.",
        )
    ],
)
