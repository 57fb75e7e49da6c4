"""The municipality and its units, and what its plugins offer: services, arenas, tools, guides."""

from __future__ import annotations

from litestar import Controller

from contracts import (
    ActionGuide,
    MeetingArena,
    Municipality,
    RelayHolderRule,
    ServiceDirectoryEntry,
    ToolDefinition,
    Unit,
)
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, read
from core.services.reminders import Reminder, ReminderService


class DirectoryController(Controller):
    path = "/"
    tags = ("Kommunen",)

    @read("/municipality", purpose="municipality.read")
    def municipality(self, uow: UoW) -> Municipality:
        return uow.run(lambda w: w.directory.municipality())

    @read("/units", purpose="unit.list")
    def units(self, uow: UoW, paging: Pages) -> Page[Unit]:
        return uow.run(lambda w: paging.page(w.directory.units()))

    @read("/units/{unit_id:str}", purpose="unit.read")
    def unit(self, unit_id: IdPath, uow: UoW) -> Unit:
        return uow.run(lambda w: w.directory.unit(unit_id))

    @read("/services", purpose="services.list")
    def services(self, uow: UoW, paging: Pages) -> Page[ServiceDirectoryEntry]:
        """The tjenesteoversikt: the municipality's services and how to reach them."""
        return uow.run(lambda w: paging.page(w.directory.services()))

    @read("/arenas", purpose="arenas.list")
    def arenas(self, uow: UoW, paging: Pages) -> Page[MeetingArena]:
        """The standing meeting arenas (møtearenaer) with their mandate."""
        return uow.run(lambda w: paging.page(w.directory.arenas()))

    @read("/tools", purpose="tools.list")
    def tools(self, uow: UoW, paging: Pages) -> Page[ToolDefinition]:
        """The tools (verktøy): forms whose fields are JSON Schema; fill one in as a log note with tool_id."""
        return uow.run(lambda w: paging.page(w.directory.tools()))

    @read("/tools/{tool_id:str}", purpose="tools.read")
    def tool(self, tool_id: IdPath, uow: UoW) -> ToolDefinition:
        return uow.run(lambda w: w.directory.tool(tool_id))

    @read("/relay-holder-rules", purpose="relay_holder_rules.list")
    def relay_holder_rules(self, uow: UoW, paging: Pages) -> Page[RelayHolderRule]:
        """Who may or must hold the baton (stafettholder) at each level, in the municipality's words."""
        return uow.run(lambda w: paging.page(w.directory.relay_holder_rules()))

    @read("/reminders", purpose="reminders.list")
    def reminders(self, uow: UoW, paging: Pages) -> Page[Reminder]:
        """Due reminders (coordinators): a required stafettholder missing, the consent a level needs
        missing, overdue evaluations; each names whom it is for (`recipient_id`)."""
        return uow.run(lambda w: paging.page(ReminderService(w.uow).due()))

    @read("/guides", purpose="guides.list")
    def guides(self, uow: UoW, paging: Pages) -> Page[ActionGuide]:
        """The action guides (handlingsveiledere) the municipality's plugins supply."""
        return uow.run(lambda w: paging.page(w.directory.guides()))
