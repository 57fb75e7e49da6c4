"""The ``stafett`` command line. Every fault is reported as a message that names it, never a traceback."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click

from core import log_redaction
from core.cli_move import move
from core.cli_support import (
    config_option,
    database_option,
    load_deployment,
    municipality_ids,
    open_platform,
    opened_platform,
    platform_options,
    reported,
)
from core.config import load_config
from core.pluginhost import PluginHost

COMMANDS_GROUP = "stafett.commands"


class StafettGroup(click.Group):
    """The top-level group; adapters add their commands through the entry-point group ``stafett.commands``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(ep.name for ep in entry_points(group=COMMANDS_GROUP))})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        for ep in entry_points(group=COMMANDS_GROUP, name=name):
            return ep.load()
        return None


def workers_option(default: int, help: str) -> Callable[[Any], Any]:
    """``--workers``: how many processes a command starts (at least one)."""
    return click.option("--workers", type=click.IntRange(1), default=default, show_default=True, help=help)


@click.group(cls=StafettGroup)
@click.version_option(package_name="stafett")
def main() -> None:
    """Stafett: the BTI platform (Bedre Tverrfaglig Innsats)."""
    log_redaction.install()  # no fødselsnummer or token in any log line a command writes


@main.command("worker")
@platform_options
@click.option("--interval", type=click.FloatRange(0.1), default=5.0, show_default=True,
              help="Seconds between rounds.")  # fmt: skip
@click.option("--scan-interval", type=click.FloatRange(1), default=300.0, show_default=True,
              help="Seconds between the scheduled varsel scans.")  # fmt: skip
@click.option("--once", is_flag=True, help="One round, then stop.")
@reported
def worker_command(config_path: Path | None, database_url: str | None, interval: float,
                   scan_interval: float, once: bool) -> None:  # fmt: skip
    """Every background job in one loop: varsler (scans and e-mail), FHIR deliveries, bekymringsmeldinger."""
    from core import worker

    def report(done: dict[str, int]) -> None:
        if once or any(done.values()):
            click.echo(", ".join(f"{name}: {count}" for name, count in done.items()) or "ingenting å gjøre")

    with opened_platform(config_path, database_url) as platform:
        try:
            worker.run(platform, interval=interval, scan_interval=scan_interval, once=once, report=report)
        except KeyboardInterrupt:
            click.echo("Stoppet.")


@main.command()
@config_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@workers_option(1, "Processes serving the database (one per CPU core); each is restarted if it dies.")
@click.option("--no-demo", is_flag=True, help="Do not seed fictional demo data on an empty demo database.")
@reported
def serve(config_path: Path | None, host: str, port: int, workers: int, no_demo: bool) -> None:
    """Start the web server. Without --config: SQLite in this folder, the demo municipality, demo data.

    The database is migrated (and the demo seeded) here, once; then uvicorn starts the workers, each
    building the app from the environment set below (``core.app.app_from_environment``).
    """
    import uvicorn

    from core.app import APP_FACTORY, CONFIG_ENV
    from core.auth.settings import PUBLIC_URL_ENV
    from core.config import DATABASE_URL_ENV
    from core.practice import upgrade_practice_database
    from core.seed import is_seeded, seed

    with opened_platform(config_path) as platform:
        if (
            config_path is None
            and not no_demo
            and not is_seeded(platform, platform.config.municipalities[0].id)
        ):
            report = seed(platform)
            click.echo(
                f"Demodata: {report.children} fiktive barn, {report.cases} saker, {report.employees} ansatte."
            )
        upgrade_practice_database(platform.config, platform.database)
        database_url = platform.database.url
        # Behind a proxy the operator sets [auth] public_url or STAFETT_PUBLIC_URL; otherwise it is this
        # socket. Every worker must agree on it: it is the issuer of the local realm's tokens.
        if not (os.environ.get(PUBLIC_URL_ENV) or platform.config.auth.public_url):
            os.environ[PUBLIC_URL_ENV] = f"http://{host}:{port}"
        name = platform.config.name
    if config_path is not None:
        os.environ[CONFIG_ENV] = str(config_path.resolve())
    os.environ[DATABASE_URL_ENV] = database_url
    processes = f"{workers} prosesser" if workers > 1 else "én prosess"
    click.echo(f"Stafett kjører på http://{host}:{port}/ ({name}, {processes}); Ctrl+C for å stoppe.")
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="info")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@config_option
@reported
def db_upgrade(config_path: Path | None) -> None:
    """Apply every migration, the practice space's too (`stafett serve` also does this on start)."""
    from core.practice import upgrade_practice_database

    platform = open_platform(config_path)
    upgrade_practice_database(platform.config, platform.database)
    click.echo(f"Databasen er oppdatert til versjon {platform.database.current_revision()}.")


@main.group()
def demo() -> None:
    """Fictional demo data."""


@demo.command("seed")
@platform_options
@click.option(
    "--scale",
    type=click.Choice(["small", "region"]),
    default="small",
    show_default=True,
    help="small: a few cases through the services; region: a region-sized data set written in bulk "
    "(default config configs/demo-region.toml).",
)
@click.option(
    "--fraction",
    type=click.FloatRange(0, 1, min_open=True),
    default=1.0,
    show_default=True,
    help="With --scale region: this share of the full region (60,000 children, 20,000 cases).",
)
@workers_option(2, "With --scale region: processes generating rows while this one writes them.")
@click.option(
    "--municipalities", type=int, default=None, help="How many of the config's municipalities to fill."
)
@click.option("--children", type=click.IntRange(1), default=40, show_default=True)
@click.option("--cases", type=click.IntRange(0), default=12, show_default=True)
@click.option("--log-entries", type=click.IntRange(1), default=8, show_default=True, help="Entries per case.")
@click.option("--seed", "rng_seed", type=int, default=2012, show_default=True)
@reported
def demo_seed(
    config_path: Path | None,
    database_url: str | None,
    scale: str,
    fraction: float,
    workers: int,
    **sizes: Any,
) -> None:
    """Generate fictional children, guardians, employees and cases (synthetic fødselsnummer only)."""
    if scale == "region":
        from configs import REGION_CONFIG
        from core.seed_region import seed_region

        with opened_platform(config_path or REGION_CONFIG, database_url) as platform:
            region = seed_region(platform, fraction=fraction, workers=workers)
        width = max(len(k) for k, _ in region.table())
        click.echo(f"Regiondata for {platform.config.name}:")
        for key, value in region.table():
            click.echo(f"  {key:<{width}}  {value:>12}")
        return
    from core.seed import seed

    platform = open_platform(config_path, database_url)
    report = seed(platform, **sizes)
    click.echo(
        f"Laget {report.children} barn, {report.employees} ansatte, {report.cases} saker og "
        f"{report.log_entries} loggføringer i kommune(ne) {', '.join(report.municipalities)}."
    )


@main.group("plugins", invoke_without_command=True)
@config_option
@click.pass_context
@reported
def plugins_command(ctx: click.Context, config_path: Path | None) -> None:
    """List installed plugins, their versions and hooks, and where each is enabled."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console
    from rich.table import Table

    config = load_deployment(config_path)
    host = PluginHost.load(config)
    table = Table(title=f"Programtillegg – {config.name}")
    for column in ("Navn", "Versjon", "Distribusjon", "Hooks", "På i kommune"):
        table.add_column(column)
    for plugin in host.installed():
        enabled = [m.id + " " + m.name for m in config.municipalities if plugin.name in host.enabled(m.id)]
        table.add_row(
            plugin.name,
            plugin.version,
            plugin.distribution,
            ", ".join(plugin.hooks),
            "\n".join(enabled) or "–",
        )
    Console(width=max(120, Console().width)).print(table)


@plugins_command.command("new")
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write the plugin's project folder (stafett-NAME) into.",
)
@reported
def plugins_new(name: str, parent: Path) -> None:
    """Write a working plugin skeleton: pyproject, a documented hook, a passing test, README."""
    from core.pluginkit import module_name, new_plugin

    root = new_plugin(name, parent)
    click.echo(f"Skrev programtillegget «{name}» i {root} (modul {module_name(name)}).")
    click.echo(f"Neste steg: pip install -e '{root}[test]' && pytest {root}")


@main.command("reminders")
@config_option
@click.option("--municipality", "municipality_id", default=None, help="Kommunenummer (default: all).")
@database_option
@reported
def reminders_command(
    config_path: Path | None, municipality_id: str | None, database_url: str | None
) -> None:
    """List due reminders: cases without the stafettholder their level requires, overdue evaluations.

    Runs as the system, audited like any read. Delivering reminders (e-mail, task lists) is not built yet.
    """
    from core.domain.policy import Actor
    from core.services.reminders import ReminderService

    platform = open_platform(config_path, database_url)
    for mid in municipality_ids(platform, municipality_id):
        with platform.work(Actor.system(mid, operator="cli reminders"), "påminnelser") as work:
            due = ReminderService(work).due()
        click.echo(f"{mid} {platform.municipality(mid).name}: {len(due)} påminnelse(r)")
        for r in due:
            measure = f" tiltak {r.measure_id}" if r.measure_id else ""
            click.echo(
                f"  sak {r.case_id} (nivå {int(r.level)}, enhet {r.owner_unit_id}){measure}: {r.message}"
            )


@main.command("check-config")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@reported
def check_config(path: Path) -> None:
    """Validate a config file and the plugins it enables; say exactly what is wrong."""
    config = load_config(path)
    PluginHost.load(config)
    names = ", ".join(f"{m.name} ({m.id})" for m in config.municipalities)
    click.echo(f"{path}: OK – {len(config.municipalities)} kommune(r): {names}")


@main.group()
def contracts() -> None:
    """The public contract for plugins and integrators."""


@contracts.command("schema")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def contracts_schema(output: Path | None) -> None:
    """Write the JSON Schema of every contract type (to stdout, or to --output)."""
    from contracts import CONTRACT_VERSION
    from contracts.schema import json_schema

    text = json.dumps(json_schema(CONTRACT_VERSION), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Skrev JSON Schema for kontrakt {CONTRACT_VERSION} til {output}.")


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
@platform_options
@reported
def audit_verify(config_path: Path | None, database_url: str | None) -> None:
    """Check every municipality's hash chain; names each event that was changed or removed."""
    from core import audit as trail

    platform = open_platform(config_path, database_url)
    problems = []
    with platform.database.session() as session:
        for municipality_id in platform.municipality_ids():
            problems += trail.verify(session, municipality_id)
    if problems:
        for problem in problems:
            click.echo(f"FEIL: {problem}", err=True)
        raise SystemExit(1)
    click.echo("Revisjonssporet er helt: ingen hendelser er endret eller slettet.")


@main.group()
def retention() -> None:
    """Retention: erase archived cases whose retention period is over (run by scheduled jobs)."""


@retention.command("run")
@platform_options
@click.option("--municipality", default=None, help="Only this municipality (kommunenummer).")
@reported
def retention_run(config_path: Path | None, database_url: str | None, municipality: str | None) -> None:
    """Erase every closed case the archive has confirmed whose retention period (retention_years) is over."""
    from core import retention_job as service

    with opened_platform(config_path, database_url) as platform:
        done = service.run(platform, municipality_id=municipality)
    for case_id, outcome in done:
        click.echo(f"  sak {case_id}: {outcome}")
    erased = sum(outcome.startswith("slettet") for _, outcome in done)
    click.echo(f"Slettet {erased} sak(er) etter endt oppbevaringstid.")
    if erased < len(done):
        raise SystemExit(1)


main.add_command(move)

if __name__ == "__main__":
    main()
