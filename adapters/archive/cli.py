"""``stafett archive``: deliver the archive versions of closed cases, and record the archive's receipts."""

from __future__ import annotations

import click

from core.public import echo_outcome, opened_platform, platform_options, reported, run_archive


@click.group("archive")
def archive_group() -> None:
    """The archive version of closed cases, to the municipality's archive (docs/archive.md)."""


@archive_group.command("run")
@platform_options
@reported
def archive_run(config_path, database_url) -> None:
    """Deliver every archive version that is due, then record the receipts waiting in the folders."""
    from adapters.archive.drop import FolderDrop, collect_receipts

    with opened_platform(config_path, database_url) as platform:
        done = run_archive(platform, FolderDrop(platform))
        receipts = collect_receipts(platform)
        sent = sum(m.status.value == "delivered" for m in done)
        summary = (
            f"Leverte {sent} av {len(done)} arkivversjon(er); {len(receipts)} kvittering(er) fra arkivet."
        )
        echo_outcome(summary, done, lambda m: f"sak {m.case_id}")
        for case_id, ref in receipts:
            click.echo(f"  sak {case_id} arkivert som {ref}")
