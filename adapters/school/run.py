"""One import, all or nothing: a CSV package or a REST sync streamed into one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.school.csvpackage import Package, read_manifest, read_package
from adapters.school.importer import RosterImport
from adapters.school.records import Mode, Problem, RosterRefused, Summary
from adapters.school.storage import RosterSourceRow
from core.public import Actor, DirectorySync, InvalidInput, Platform, _

Progress = Callable[[str, int, int], None]
PURPOSE = "Import av elev-, foresatt- og klassedata fra skoleadministrativt system (OneRoster)"


@dataclass(frozen=True)
class ImportResult:
    source: str
    summary: Summary
    dry_run: bool


class DryRun(Exception):
    """Raised inside the unit of work to roll a trial import back after it has been fully checked."""

    def __init__(self, summary: Summary) -> None:
        super().__init__("dry run")
        self.summary = summary


def _run(
    platform: Platform,
    municipality_id: str,
    source: str,
    modes: Mapping[str, str],
    fill: Callable[[RosterImport], None],
    *,
    dry_run: bool,
    progress: Progress | None,
    operator: str,
    early: Sequence[Problem] = (),
    allow_mass_end: bool = False,
) -> ImportResult:
    actor = Actor.system(municipality_id, operator=operator)
    try:
        with platform.work(actor, f"{PURPOSE}: {source}"[:300]) as work:
            job = RosterImport(
                DirectorySync(work.uow), source, modes, progress, allow_mass_end=allow_mass_end
            )
            for p in early:
                job.problem(p.origin, p.reason)
            fill(job)
            summary = job.finish()
            if dry_run:
                raise DryRun(summary)
    except DryRun as trial:
        return ImportResult(source, trial.summary, dry_run=True)
    return ImportResult(source, summary, dry_run=False)


def import_package(
    platform: Platform,
    path: Path,
    *,
    municipality_id: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    operator: str = "cli",
    allow_mass_end: bool = False,
) -> ImportResult:
    """Import a OneRoster 1.2 CSV package (folder or zip); raises ``RosterRefused`` and changes nothing
    when any row is wrong, or when a bulk package would end more of the source's school links than
    it declared (``allow_mass_end`` lets it)."""
    package = Package(Path(path))
    try:
        early: list[Problem] = []
        modes, system = read_manifest(package, lambda origin, reason: early.append(Problem(origin, reason)))
        source = system or "oneroster-csv"
        if early and not modes:
            raise RosterRefused(early, len(early))
        return _run(
            platform,
            municipality_id,
            source,
            modes,
            lambda job: read_package(package, modes, job, progress or (lambda *_: None)),
            dry_run=dry_run,
            progress=progress,
            operator=operator,
            early=early,
            allow_mass_end=allow_mass_end,
        )
    finally:
        package.close()


def sync_rest(
    platform: Platform,
    base_url: str,
    *,
    municipality_id: str,
    client_id: str,
    client_secret: str,
    token_url: str | None = None,
    source: str | None = None,
    page_size: int = 500,
    dry_run: bool = False,
    progress: Progress | None = None,
    operator: str = "cli",
    allow_mass_end: bool = False,
) -> ImportResult:
    """Sync from a OneRoster 1.2 REST server: everything the first time, then what changed since the last."""
    from adapters.school.rest import RestSource

    rest = RestSource(
        base_url, client_id=client_id, client_secret=client_secret, token_url=token_url, page_size=page_size
    )
    source = source or rest.name
    try:
        with platform.work(Actor.system(municipality_id, operator=operator), "Les synkroniseringspunkt") as w:
            row = w.session.get(RosterSourceRow, (municipality_id, source))
            since = row.delta_since if row else None
        mode: Mode = "delta" if since else "bulk"
        modes = dict.fromkeys(("orgs", "users", "roles", "classes", "enrollments"), mode)

        def fill(job: RosterImport) -> None:
            job.delta_since = rest.read(job, since, progress or (lambda *_: None))

        return _run(
            platform,
            municipality_id,
            source,
            modes,
            fill,
            dry_run=dry_run,
            progress=progress,
            operator=operator,
            allow_mass_end=allow_mass_end,
        )
    finally:
        rest.close()


def declare_source(
    platform: Platform,
    source: str,
    *,
    municipality_id: str,
    owns: Sequence[str] | None = None,
    max_end_share: float | None = None,
    national_id_in_identifier: bool | None = None,
    operator: str = "cli",
) -> RosterSourceRow:
    """Record what the municipality declares about a source; what is not given stays as it was.
    The adapter's own bookkeeping (no personal data), written by the operator at the command line."""
    if max_end_share is not None and not 0 <= max_end_share <= 1:
        raise InvalidInput(_("Andelen må være mellom 0 og 1 (for eksempel 0.25)."), field="max_end_share")
    actor = Actor.system(municipality_id, operator=operator)
    with platform.work(actor, f"Oppsett av kilden {source}"[:300]) as work:
        row = work.session.get(RosterSourceRow, (municipality_id, source))
        if row is None:
            row = RosterSourceRow(municipality_id=municipality_id, name=source, max_end_share=0.25)
            row.national_id_in_identifier = False
            work.session.add(row)
        if owns is not None:
            row.owns = sorted(set(owns)) or None
        if max_end_share is not None:
            row.max_end_share = max_end_share
        if national_id_in_identifier is not None:
            row.national_id_in_identifier = national_id_in_identifier
        work.session.flush()
        work.session.expunge(row)
        return row
