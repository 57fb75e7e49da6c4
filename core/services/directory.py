"""What a municipality offers, and the action guide as it applies to one case.

The municipality, its units, the service directory, arenas, tools and guides hold no personal
data, so they are read without the policy. The guide for a case is a read of the case (which
tools its log has used), so that one goes through ``Work.authorize``.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import bindparam, select

from contracts import (
    ActionGuide,
    GuideStep,
    Level,
    MeetingArena,
    Municipality,
    RelayHolderRule,
    ServiceDirectoryEntry,
    ServiceType,
    ToolDefinition,
    Unit,
)
from core.domain.policy import Action
from core.errors import NotFound
from core.i18n import _
from core.services import mapping
from core.services.base import Service
from core.services.state import CaseState
from core.storage import models as m
from core.storage.queries import rows_where

_LOG_DATA = select(m.LogEntryRow.data).where(m.LogEntryRow.case_id == bindparam("case_id"))  # tools


class CaseGuideStep(msgspec.Struct, kw_only=True, frozen=True):
    """A step of the guide at the case's level, its tools, and which of them the log has used."""

    step: GuideStep
    tools: list[ToolDefinition]
    used_tool_ids: list[str]


class CaseGuide(msgspec.Struct, kw_only=True, frozen=True):
    """The handlingsveileder of the owning unit's service type, at the level the case is on."""

    case_id: str
    level: Level
    service_type: ServiceType
    guide_id: str
    guide_title: str
    level_title: str
    purpose: str
    goal: str
    steps: list[CaseGuideStep]
    current_step: int | None  # the first step with tools none of which is used yet; None when all are
    source: str = ""


class DirectoryService(Service):
    def municipality(self) -> Municipality:
        row = self.work.session.get_one(m.MunicipalityRow, self.work.municipality_id)
        return Municipality(id=row.id, name=row.name, region=row.region)

    def units(self) -> list[Unit]:
        municipality = {"value": self.work.municipality_id}
        rows = self.work.session.scalars(rows_where(m.UnitRow, "municipality_id", "name", "id"), municipality)
        return [mapping.unit(r) for r in rows]

    def unit(self, unit_id: str) -> Unit:
        row = self.work.session.get(m.UnitRow, unit_id)
        if row is None or row.municipality_id != self.work.municipality_id:
            raise NotFound(
                _("Fant ingen enhet «{unit_id}» i kommunen.").format(unit_id=unit_id), code="unit_not_found"
            )
        return mapping.unit(row)

    def services(self) -> list[ServiceDirectoryEntry]:
        return list(self.work.plugins.services)

    def arenas(self) -> list[MeetingArena]:
        return list(self.work.plugins.arenas.values())

    def tools(self) -> list[ToolDefinition]:
        return list(self.work.plugins.tools.values())

    def tool(self, tool_id: str) -> ToolDefinition:
        tool = self.work.plugins.tools.get(tool_id)
        if tool is None:
            raise NotFound(
                _("Fant ikke verktøyet «{tool_id}».").format(tool_id=tool_id), code="tool_not_found"
            )
        return tool

    def relay_holder_rules(self) -> list[RelayHolderRule]:
        return sorted(self.work.plugins.relay_holder_rules, key=lambda rule: rule.level)

    def guides(self) -> list[ActionGuide]:
        return list(self.work.plugins.guides)

    def case_guide(self, case_id: str) -> CaseGuide:
        """The guide for the owning unit's service type at the case's level, with the tools used so far."""
        work = self.work
        state = CaseState.read(work, case_id)
        work.authorize(Action.READ_CASE, case=state.facts())
        service_type = state.unit_info(state.row.owner_unit_id).service_type
        guide = work.plugins.guide_for(service_type)
        if guide is None:
            raise NotFound(
                _("Kommunen har ingen handlingsveileder for tjenestetypen «{service_type}».").format(
                    service_type=service_type
                ),
                code="guide_not_found",
            )
        level = Level(state.row.level)
        guide_level = next(gl for gl in guide.levels if gl.level == level)
        used = {
            str(data["tool_id"])
            for data in work.session.scalars(_LOG_DATA, {"case_id": case_id})
            if isinstance(data, dict) and data.get("tool_id")
        }
        steps = [
            CaseGuideStep(
                step=step,
                tools=[work.plugins.tools[t] for t in step.tool_ids if t in work.plugins.tools],
                used_tool_ids=[t for t in step.tool_ids if t in used],
            )
            for step in guide_level.steps
        ]
        current = next((s.step.number for s in steps if s.tools and not s.used_tool_ids), None)
        return CaseGuide(
            case_id=case_id,
            level=level,
            service_type=service_type,
            guide_id=guide.id,
            guide_title=guide.title,
            level_title=guide_level.title,
            purpose=guide_level.purpose,
            goal=guide_level.goal,
            steps=steps,
            current_step=current,
            source=guide.source,
        )
