"""One import, all or nothing: a CSV package or a REST sync streamed into one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.school.csvpackage import Package, read_manifest, read_package
from adapters.school.importer import RosterImport
from adapters.school.records import Mode, Problem, RosterRefused, Summary
from adapters.school.storage import RosterSourceRow
from core.public import Actor, DirectorySync, Platform

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
) -> ImportResult:
    actor = Actor.system(municipality_id, operator=operator)
    try:
        with platform.work(actor, f"{PURPOSE}: {source}"[:300]) as work:
            job = RosterImport(DirectorySync(work.uow), source, modes, progress)
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
) -> ImportResult:
    """Import a OneRoster 1.2 CSV package (folder or zip); raises ``RosterRefused`` and changes nothing
    when any row is wrong."""
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
        )
    finally:
        rest.close()
