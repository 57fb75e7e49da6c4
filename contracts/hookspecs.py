"""The hooks a Stafett plugin can implement.

A plugin is a module or object with functions marked ``@hookimpl`` whose names are
hook names below; it registers in the entry-point group ``stafett``. A municipality's
config decides which installed plugins are on for it, and every hook is called only
on the plugins enabled for the municipality in question.

Hooks that collect (the default) return one value per plugin, and the caller merges
them. Hooks marked ``firstresult`` stop at the first plugin that returns something
other than ``None``. Plugins receive and return contract structs only: they never see
the database, the session, or a person's name or free text unless a hook hands it over.
"""

from __future__ import annotations

import pluggy

from .cases import CaseEvent, CaseSnapshot, PlanTemplate, Refusal, RelayHolderContext, TransitionContext
from .guides import (
    ActionGuide,
    CaseStatistics,
    Indicator,
    MeetingArena,
    RelayHolderRule,
    ServiceDirectoryEntry,
    ToolDefinition,
)
from .notifications import NotificationChannel, NotificationKind, WorkerJob
from .outbox import ArchiveReceipt, OutboxChannel, OutboxMessage
from .people import Municipality
from .practice import LearningModule, PracticeCase

PROJECT_NAME = "stafett"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def action_guides(municipality: Municipality) -> list[ActionGuide]:
    """Return the action guides (handlingsveiledere) this plugin supplies for ``municipality``.

    Called at start-up, once per municipality the plugin is enabled for; the results
    are validated and cached for the life of the process.

    :param municipality: the municipality the guides are for.
    :returns: guides; each covers levels 0, 1, 2 and 3 in that order, and each step's
        ``tool_ids`` names tools that some enabled plugin supplies. A guide that breaks
        this stops start-up with the plugin's name.
    """


@hookspec
def tools(municipality: Municipality) -> list[ToolDefinition]:
    """Return the tools (verktøy: forms) this plugin supplies for ``municipality``.

    Called at start-up, once per municipality the plugin is enabled for.

    :param municipality: the municipality the tools are for.
    :returns: tool definitions whose ``form_schema`` is a valid JSON Schema of type
        ``object``; filled-in forms are validated against it. Tool ids are unique
        across the enabled plugins.
    """


@hookspec
def meeting_arenas(municipality: Municipality) -> list[MeetingArena]:
    """Return the standing meeting arenas (møtearenaer) with their mandate.

    Called at start-up, once per municipality the plugin is enabled for.

    :param municipality: the municipality the arenas belong to.
    :returns: arenas; ids are unique across the enabled plugins.
    """


@hookspec
def services(municipality: Municipality) -> list[ServiceDirectoryEntry]:
    """Return entries for the service directory (tjenesteoversikt).

    Called at start-up, once per municipality the plugin is enabled for. The
    municipality's config can add entries of its own beside these.

    :param municipality: the municipality whose services are listed.
    :returns: directory entries; ids are unique across the enabled plugins.
    """


@hookspec
def relay_holder_rules(municipality: Municipality) -> list[RelayHolderRule]:
    """Describe who may or must hold the baton (stafettholder) at each level.

    Called at start-up, once per municipality. A rule with ``required=True`` makes a
    stafettholder a condition for moving a case to that level, on top of the built-in
    requirement at level 3. The descriptions are shown to employees beside the case.

    :param municipality: the municipality the rules apply in.
    :returns: rules, at most one per level per plugin.
    """


@hookspec
def check_relay_holder(context: RelayHolderContext) -> list[Refusal]:
    """Judge whether ``context.candidate_id`` may become stafettholder of a case.

    Called when a stafettholder is assigned, when a hand-over is requested, and again
    when the receiver accepts it. Built-in rules (same municipality, member of a unit
    taking part in the case) are checked first and cannot be lifted by a plugin.

    :param context: the case snapshot, the candidate and their units, the case level,
        and whether this is a hand-over.
    :returns: refusals that stop the assignment, or an empty list.
    """


@hookspec(firstresult=True)
def suggest_relay_holder(snapshot: CaseSnapshot, candidates: dict[str, list[str]]) -> str | None:
    """Suggest who should hold the baton of a case that has none.

    Called when a case needs a stafettholder (for example on moving to a level whose
    rule requires one) to pre-fill the choice; the first plugin that answers wins.

    :param snapshot: the case.
    :param candidates: employee ids per unit id, for the units taking part.
    :returns: an employee id among the candidates, or ``None`` to leave it to others.
    """


@hookspec
def check_transition(context: TransitionContext) -> list[Refusal]:
    """Add conditions to a level change.

    Called every time someone asks to move a case to another level, after the
    built-in rules of the model are checked. A plugin can only add refusals: it cannot
    lift a built-in one. All refusals from all plugins are shown together.

    :param context: the case snapshot, the level it is on and the one asked for, and
        what the person asking has declared (unit leader and guardians informed).
    :returns: refusals that stop the change, or an empty list.
    """


@hookspec
def case_event(event: CaseEvent) -> None:
    """Be told that something happened in a case: for notifications, reminders, adapters' outboxes.

    Called after the change is committed, once per stafettlogg entry written, on the
    plugins enabled for the case's municipality. An exception is logged with the
    plugin's name and does not undo the change: work that must not be lost belongs
    in a transactional outbox, not in this hook.

    :param event: the kind of entry, the case, its level and the units taking part.
    """


@hookspec
def indicators(statistics: CaseStatistics) -> list[Indicator]:
    """Compute indicators of how the model is working from aggregate numbers, with targets.

    Called for each scope (unit, municipality, region's municipalities) shown on the
    Følgeevaluering page and in /api/v1/indicators, for the chosen year. Core shows a
    value only when the counts it rests on (numerator and denominator, or the value) are
    shown beside it, so a plugin cannot undo the small-number rule.

    :param statistics: counts for one unit or municipality and period; no person data.
    :returns: indicators, with a target where there is one; ids are unique across the
        enabled plugins.
    """


@hookspec
def routes() -> list[object]:
    """Return extra HTTP route handlers (Litestar handlers or routers), e.g. a FHIR facade.

    Called once when the web application is built, on every plugin enabled for at
    least one municipality of the deployment. Handlers must check access through the
    core policy like every other route.

    :returns: Litestar route handlers, controllers or routers.
    """


@hookspec
def outbox_channels(municipality: Municipality) -> list[OutboxChannel]:
    """Return the delivery channels this plugin carries to units' own systems (e.g. FHIR journals).

    Called once per municipality at start-up. A unit of that municipality uses a channel by
    having a table ``[municipality.unit.adapters.<name>]`` in the config, which core validates
    against the channel's ``config_schema`` (start-up fails on a bad or unclaimed table). The
    outbox then queues a message for the unit whenever the policy allows sharing a case with it,
    or, for a channel that ``carries`` ``"child_welfare_report"``, once per bekymringsmelding sent
    to that (barnevern) unit.

    :param municipality: the municipality the channels are offered for.
    :returns: channels; names are unique across the enabled plugins.
    """


@hookspec
def outbox_changed(message: OutboxMessage) -> None:
    """Be told that a delivery to another system was made, gave up, or was cancelled.

    Called after the change is committed, on the plugins enabled for the message's
    municipality: when a message is delivered, when it becomes dead (too many failed
    tries; an operator must look), and when it is cancelled because the consent that
    covered the receiving unit was withdrawn. Use it to alert operators; an exception is
    logged with the plugin's name and changes nothing.

    :param message: the outbox message in its new state, with ``last_error`` on failure.
    :returns: nothing.
    """


@hookspec
def notification_kinds(municipality: Municipality) -> list[NotificationKind]:
    """Declare which events notify whom (varsler), and the timing of the scheduled ones.

    Called once per municipality at start-up. A kind is caused either by stafettlogg entries
    (``on``: core writes it in the same transaction as the entry) or by one of core's scheduled
    scans (``scan`` with ``days``: a tiltak's evaluation date near or passed, a consent ending, a case
    without a stafettholder), which a municipality's config may retime
    (``notification_days``). Ids are unique across the enabled plugins; a kind with both or
    neither of ``on`` and ``scan`` stops start-up.

    :param municipality: the municipality the kinds apply in.
    :returns: notification kinds; their titles are what people read in Stafett, without names.
    """


@hookspec
def plan_templates(municipality: Municipality) -> list[PlanTemplate]:
    """Set up the individuell plan for ``municipality``: coordinator roles, consent, revision, sections.

    Called once per municipality at start-up. The template of the most specific plugin (the one
    enabled last) sets the plan up; the sections of every enabled plugin's template are added, from
    the general to the specific, so a regional plugin adds a kriseplan to the national sections
    without repeating them. With no template, core's defaults (the national texts) apply. Section ids
    are unique across the plugins; a template that offers no coordinator role stops start-up.

    :param municipality: the municipality the template is for.
    :returns: templates, usually one.
    """


@hookspec
def practice_cases(municipality: Municipality) -> list[PracticeCase]:
    """Return fictional cases employees of ``municipality`` can practise on (øving).

    Called once per municipality at start-up; every enabled plugin's cases are offered, the general
    first, so a region shares its own beside the national baseline's. A case is worked in the
    practice space (docs/practice.md): a database of its own, with the real guide and tools, that
    nothing real reads: no list, indicator, export, FHIR delivery or school import sees it. Ids are
    unique across the enabled plugins.

    :param municipality: the municipality the cases are offered in.
    :returns: practice cases, each with its story, the next step to try and what a good answer holds.
    """


@hookspec
def learning_modules(municipality: Municipality) -> list[LearningModule]:
    """Return short learning modules for the practice space: a text, then questions with the answers
    explained. An employee's completed modules are kept in the practice space.

    Called once per municipality at start-up, like ``practice_cases``; ids are unique across the
    enabled plugins.

    :param municipality: the municipality the modules are offered in.
    :returns: learning modules.
    """


@hookspec
def notification_channels(municipality: Municipality) -> list[NotificationChannel]:
    """Return ways out of Stafett for varsler besides e-mail (an SMS gateway, Altinn Varsling).

    Called once per municipality at start-up; a person of that municipality may then choose the
    channel on the Varsler page. ``stafett worker`` hands each channel's ``send`` a batch of
    messages that name nobody and nothing (``ChannelMessage``: that something waits, a link, an
    unsubscribe link) and records, retries and audits what comes of each. Names are unique across
    the enabled plugins, and ``email`` is core's own.

    :param municipality: the municipality the channels are offered in.
    :returns: channels, each with the contact detail it sends to (``email`` or ``phone``).
    """


@hookspec
def worker_jobs() -> list[WorkerJob]:
    """Return background jobs for ``stafett worker`` to run in its loop (e.g. the FHIR deliveries).

    Called once when the worker starts, on every plugin enabled for at least one municipality.
    Each job's ``run(platform)`` handles what is due and returns a count; an exception is logged
    with the job's name and the job is tried again on the next round.

    :returns: jobs; names are unique across plugins.
    """


@hookspec
def case_archived(receipt: ArchiveReceipt) -> None:
    """Be told that the municipality's archive has confirmed a closed case's archive version.

    Called after the receipt is recorded and committed, on the plugins enabled for the case's
    municipality, once per case. From this moment the retention period runs: on
    ``receipt.erase_after`` the scheduled ``stafett retention run`` erases the case's personal data
    from Stafett. Use it to tell records management; an exception is logged and changes nothing.

    :param receipt: the case, the archive's own reference, the checksum of the PDF the archive took,
        and the date the case will be erased.
    :returns: nothing.
    """
