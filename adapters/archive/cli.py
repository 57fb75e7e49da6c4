"""``stafett archive``: deliver the archive versions of closed cases, and record the archive's receipts."""

from __future__ import annotations

import click

from core.public import config_option, open_platform, reported, run_archive

database_option = click.option("--database-url", default=None, help="Overrides the config's database.")


@click.group("archive")
def archive_group() -> None:
    """The archive version of closed cases, to the municipality's archive (docs/archive.md)."""


@archive_group.command("run")
@config_option
@database_option
@reported
def archive_run(config_path, database_url) -> None:
    """Deliver every archive version that is due, then record the receipts waiting in the folders."""
    from adapters.archive.drop import FolderDrop, collect_receipts

    platform = open_platform(config_path, database_url)
    try:
        done = run_archive(platform, FolderDrop(platform))
        receipts = collect_receipts(platform)
        sent = sum(m.status.value == "delivered" for m in done)
        click.echo(
            f"Leverte {sent} av {len(done)} arkivversjon(er); {len(receipts)} kvittering(er) fra arkivet."
        )
        for m in done:
            if m.status.value != "delivered":
                click.echo(f"  sak {m.case_id} {m.status.value}: {m.last_error}")
        for case_id, ref in receipts:
            click.echo(f"  sak {case_id} arkivert som {ref}")
    finally:
        platform.close()
