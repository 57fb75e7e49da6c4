"""``stafett export fhir`` and ``stafett outbox``, found through the entry points ``stafett.commands``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import msgspec

from core.public import (
    Actor,
    OutboxService,
    RecordService,
    actor_for,
    echo_outcome,
    municipality_ids,
    open_platform,
    platform_options,
    repeat,
    reported,
    run_outbox,
)

as_option = click.option(
    "--as",
    "as_person",
    default=None,
    help="Act as this person (their access applies). Default: the operator.",
)


def _actor(platform, municipality_id: str, as_person: str | None, operator: str) -> Actor:
    if as_person is None:
        return Actor.system(municipality_id, operator=operator)
    with platform.database.session() as session:
        return actor_for(session, as_person, on_behalf_of=operator)


@click.group("export")
def export_group() -> None:
    """Export cases to other formats."""


@export_group.command("fhir")
@platform_options
@click.option("--case", "case_id", default=None, help="Write one case as a FHIR Bundle.")
@click.option("--municipality", "municipality_id", default=None, help="Write NDJSON per resource type.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Bundle file (--case; default stdout) or folder (--municipality; required).")  # fmt: skip
@as_option
@reported
def export_fhir(config_path, database_url, case_id, municipality_id, output, as_person) -> None:
    """A case as a FHIR R4 Bundle, or every case of a municipality as NDJSON (bulk-data style)."""
    from adapters.fhir import export

    if (case_id is None) == (municipality_id is None):
        raise click.UsageError("Oppgi enten --case ID eller --municipality KOMMUNENUMMER.")
    platform = open_platform(config_path, database_url)
    if case_id is not None:
        mid = platform.config.municipalities[0].id if len(platform.config.municipalities) == 1 else None
        mid = mid or _municipality_of_case(platform, case_id)
        bundle = export.case_bundle(platform, _actor(platform, mid, as_person, "cli export"), case_id)
        data = msgspec.json.format(msgspec.json.encode(bundle), indent=2) + b"\n"
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
            click.echo(f"Skrev saken som FHIR Bundle med {len(bundle['entry'])} ressurser til {output}.")
        return
    municipality_ids(platform, municipality_id)  # a kommunenummer the deployment lacks stops here
    if output is None:
        raise click.UsageError("--municipality krever --output MAPPE for NDJSON-filene.")
    counts = export.write_ndjson(platform, _actor(platform, municipality_id, as_person, "cli export"), output)
    total = sum(counts.values())
    click.echo(f"Skrev {total} ressurser til {output}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _municipality_of_case(platform, case_id: str) -> str:
    """The municipality of a case, for an operator who names only the case (reads no personal data)."""
    for mid in platform.municipality_ids():
        with platform.work(Actor.system(mid, operator="cli export"), "finn sakens kommune") as work:
            if case_id in set(RecordService(work).visible_case_ids()):
                return mid
    raise click.ClickException(f"Fant ingen sak med id «{case_id}».")


@click.group("outbox", invoke_without_command=True)
@platform_options
@click.option("--municipality", "municipality_id", default=None, help="Kommunenummer (default: all).")
@click.option("--status", default=None, help="pending, delivered, dead or cancelled.")
@click.pass_context
@reported
def outbox_group(ctx, config_path, database_url, municipality_id, status) -> None:
    """Deliveries to units' FHIR journals: list them (default), run the worker, retry dead ones."""
    ctx.obj = (config_path, database_url, municipality_id)
    if ctx.invoked_subcommand is None:
        _list(config_path, database_url, municipality_id, status)


def _platform_and_ids(config_path, database_url, municipality_id):
    platform = open_platform(config_path, database_url)
    return platform, municipality_ids(platform, municipality_id)


def _list(config_path, database_url, municipality_id, status) -> None:
    platform, ids = _platform_and_ids(config_path, database_url, municipality_id)
    for mid in ids:
        with platform.work(Actor.system(mid, operator="cli outbox"), "drift av deling") as work:
            messages = OutboxService(work).list(status)
        click.echo(f"{mid} {platform.municipality(mid).name}: {len(messages)} melding(er)")
        for m in messages:
            error = f" – {m.last_error}" if m.last_error else ""
            click.echo(
                f"  {m.id} {m.status.value:<9} sak {m.case_id} → {m.unit_id} ({m.event_kind.value}), "
                f"forsøk {m.attempts}, neste {m.next_attempt_at:%Y-%m-%d %H:%M}{error}"
            )


@outbox_group.command("list")
@click.option("--status", default=None, help="pending, delivered, dead or cancelled.")
@click.pass_obj
@reported
def outbox_list(obj, status) -> None:
    """List messages, newest first."""
    config_path, database_url, municipality_id = obj
    _list(config_path, database_url, municipality_id, status)


@outbox_group.command("run")
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", type=click.FloatRange(0.1), default=5.0, show_default=True)
@click.pass_obj
@reported
def outbox_run(obj, loop: bool, interval: float) -> None:
    """Deliver every message that is due; failures are retried later with back-off."""
    from adapters.fhir.delivery import FhirSender

    platform = open_platform(obj[0], obj[1])
    sender = FhirSender(platform)

    def step(must_report: bool) -> None:
        done = run_outbox(platform, sender)
        if done or must_report:
            delivered = sum(m.status.value == "delivered" for m in done)
            echo_outcome(f"Leverte {delivered} av {len(done)} melding(er).", done, lambda m: m.id)

    try:
        repeat(step, loop=loop, interval=interval)
    finally:
        sender.close()


@outbox_group.command("retry")
@click.argument("ids", nargs=-1)
@click.pass_obj
@reported
def outbox_retry(obj, ids: tuple[str, ...]) -> None:
    """Give dead messages (all, or the IDS named) a fresh set of tries."""
    platform, mids = _platform_and_ids(*obj)
    total = 0
    for mid in mids:
        with platform.work(Actor.system(mid, operator="cli outbox"), "drift av deling") as work:
            mine = [i for i in ids] if ids else None
            if mine is not None and len(mids) > 1:
                raise click.UsageError("Oppgi --municipality når du nevner meldinger.")
            total += len(OutboxService(work).retry(mine))
    click.echo(f"{total} melding(er) prøves igjen.")
