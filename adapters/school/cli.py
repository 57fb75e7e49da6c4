"""``stafett import oneroster PATH|URL``: a progress bar while it runs, a summary table at the end."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from adapters.school.records import ENTITIES, RosterRefused, Summary
from core.public import config_option, database_option, open_platform, opened_platform, reported

PHASES = {
    "les": "Leser",
    "enheter": "Enheter",
    "personer": "Personer",
    "roller": "Roller",
    "foresatte": "Foresatte",
    "klasser": "Klasser",
    "klassemedlemskap": "Klassemedlemskap",
}


@click.group("import")
def import_group() -> None:
    """Import from other systems (skoleadministrative systemer)."""


@import_group.command("oneroster")
@click.argument("source", metavar="PATH|URL")
@config_option
@click.option(
    "--municipality", "municipality_id", default=None, help="Kommunenummer (default: the only one)."
)
@click.option("--dry-run", is_flag=True, help="Check and count everything, then roll back.")
@database_option
@click.option("--client-id", envvar="STAFETT_ONEROSTER_CLIENT_ID", help="REST: OAuth2 client id.")
@click.option("--client-secret", envvar="STAFETT_ONEROSTER_CLIENT_SECRET", help="REST: OAuth2 client secret.")
@click.option("--token-url", default=None, help="REST: token endpoint (default: <server>/token).")
@click.option(
    "--allow-mass-end", is_flag=True, help="Let a bulk package end more school links than the source's limit."
)
@reported
def oneroster(
    source: str,
    config_path: Path | None,
    municipality_id: str | None,
    dry_run: bool,
    database_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    token_url: str | None,
    allow_mass_end: bool,
) -> None:
    """Import pupils, guardians, staff and classes from a OneRoster 1.2 CSV package (folder or .zip)
    or a OneRoster 1.2 REST server (all or nothing; the same package twice changes nothing)."""
    from adapters.school.run import import_package, sync_rest

    platform = open_platform(config_path, database_url)
    console = Console()
    try:
        municipality_id = _municipality(platform, municipality_id)
        with _progress(console) as report:
            run = {
                "municipality_id": municipality_id,
                "dry_run": dry_run,
                "progress": report,
                "allow_mass_end": allow_mass_end,
            }
            if source.startswith(("http://", "https://")):
                if not client_id or not client_secret:
                    raise click.UsageError(
                        "REST krever --client-id og --client-secret (eller miljøvariablene)."
                    )
                result = sync_rest(
                    platform,
                    source,
                    client_id=client_id,
                    client_secret=client_secret,
                    token_url=token_url,
                    **run,
                )
            else:
                result = import_package(platform, Path(source), **run)
    except RosterRefused as refused:
        table = Table(title=f"Avvist: {refused.total} feil – ingenting er endret", title_justify="left")
        table.add_column("Fil og linje", no_wrap=True)
        table.add_column("Feil")
        for problem in refused.problems:
            table.add_row(problem.origin, problem.reason)
        console.print(table)
        if refused.total > len(refused.problems):
            console.print(f"… og {refused.total - len(refused.problems)} feil til.")
        raise SystemExit(1) from None
    finally:
        platform.close()
    title = f"Import fra {result.source}" + (" – prøvekjøring, ingenting er lagret" if result.dry_run else "")
    console.print(summary_table(result.summary, title))


@import_group.command("oneroster-source")
@click.argument("name")
@config_option
@click.option(
    "--municipality", "municipality_id", default=None, help="Kommunenummer (default: the only one)."
)
@database_option
@click.option("--owns", multiple=True, help="An org sourcedId the source is the whole truth for (repeat).")
@click.option("--owns-all", is_flag=True, help="Forget the scope: the source owns every org it sends.")
@click.option("--max-end-share", type=float, default=None, help="Share of links a bulk package may end.")
@click.option(
    "--national-id-in-identifier/--national-id-in-userids",
    default=None,
    help="Where the source puts the fødselsnummer: users.identifier, or userIds {FNR:…} (the default).",
)
@reported
def oneroster_source(
    name: str,
    config_path: Path | None,
    municipality_id: str | None,
    database_url: str | None,
    owns: tuple[str, ...],
    owns_all: bool,
    max_end_share: float | None,
    national_id_in_identifier: bool | None,
) -> None:
    """Declare what a OneRoster source (its source.systemName) is: the schools it owns, how much a
    bulk package may end, and where it puts the fødselsnummer."""
    from adapters.school.run import declare_source

    with opened_platform(config_path, database_url) as platform:
        row = declare_source(
            platform,
            name,
            municipality_id=_municipality(platform, municipality_id),
            owns=[] if owns_all else (list(owns) or None),
            max_end_share=max_end_share,
            national_id_in_identifier=national_id_in_identifier,
        )
    scope = ", ".join(row.owns or []) or "alle org-er den sender"
    where = "users.identifier" if row.national_id_in_identifier else "userIds {FNR:…}"
    click.echo(
        f"Kilden «{row.name}»: eier {scope}; en bulk-pakke kan avslutte høyst "
        f"{row.max_end_share:.0%} av koblingene; fødselsnummer i {where}."
    )


def _municipality(platform, municipality_id: str | None) -> str:
    ids = [m.id for m in platform.config.municipalities]
    if municipality_id is None:
        if len(ids) != 1:
            raise click.UsageError(f"Velg kommune med --municipality ({', '.join(ids)}).")
        return ids[0]
    if municipality_id not in ids:
        raise click.UsageError(f"Kommunenummer {municipality_id} finnes ikke i konfigurasjonen.")
    return municipality_id


class _progress:
    """A rich progress bar per phase; the import reports (phase, done, total)."""

    def __init__(self, console: Console) -> None:
        self.bar = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(PHASES.get(phase, phase), total=total or None)
        self.bar.update(self.tasks[phase], completed=done, total=total or None)


def summary_table(summary: Summary, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for column in ("Opprettet", "Endret", "Avsluttet", "Uendret"):
        table.add_column(column, justify="right")
    for entity, label in ENTITIES.items():
        counts = summary.counts[entity]
        table.add_row(label, *(str(counts[k]) for k in ("created", "updated", "deactivated", "unchanged")))
    outcomes = ("created", "updated", "deactivated", "unchanged")
    table.add_row("[b]Sum[/b]", *(f"[b]{summary.total(k)}[/b]" for k in outcomes), end_section=True)
    table.add_row("Avvist", str(summary.refused), "", "", "")
    return table
