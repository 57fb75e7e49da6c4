"""``stafett fiks``: send the bekymringsmeldinger that are due, and record barnevern's receipts."""

from __future__ import annotations

import time

import click

from core.public import config_option, open_platform, reported, run_reports

database_option = click.option("--database-url", default=None, help="Overrides the config's database.")


@click.group("fiks")
def fiks_group() -> None:
    """Bekymringsmeldinger to barnevern over KS Fiks (docs/fiks.md)."""


@fiks_group.command("run")
@config_option
@database_option
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", type=click.FloatRange(0.1), default=5.0, show_default=True)
@reported
def fiks_run(config_path, database_url, loop: bool, interval: float) -> None:
    """Send every bekymringsmelding that is due, then record the receipts waiting in drop folders."""
    from adapters.fiks.senders import FiksSender, collect_drop_receipts

    platform = open_platform(config_path, database_url)
    sender = FiksSender(platform)
    try:
        while True:
            done = run_reports(platform, sender)
            receipts = collect_drop_receipts(platform)
            if done or receipts or not loop:
                sent = sum(m.status.value == "delivered" for m in done)
                click.echo(
                    f"Sendte {sent} av {len(done)} bekymringsmelding(er); {len(receipts)} kvittering(er)."
                )
                for m in done:
                    if m.status.value != "delivered":
                        click.echo(f"  {m.entry_id} {m.status.value}: {m.last_error}")
            if not loop:
                return
            time.sleep(interval)
    finally:
        sender.close()
