"""``stafett fiks``: send the bekymringsmeldinger that are due, and record barnevern's receipts."""

from __future__ import annotations

import click

from core.public import echo_outcome, open_platform, platform_options, repeat, reported, run_reports


@click.group("fiks")
def fiks_group() -> None:
    """Bekymringsmeldinger to barnevern over KS Fiks (docs/fiks.md)."""


@fiks_group.command("run")
@platform_options
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", type=click.FloatRange(0.1), default=5.0, show_default=True)
@reported
def fiks_run(config_path, database_url, loop: bool, interval: float) -> None:
    """Send every bekymringsmelding that is due, then record the receipts waiting in drop folders."""
    from adapters.fiks.senders import FiksSender, collect_drop_receipts

    platform = open_platform(config_path, database_url)
    sender = FiksSender(platform)

    def step(must_report: bool) -> None:
        done = run_reports(platform, sender)
        receipts = collect_drop_receipts(platform)
        if done or receipts or must_report:
            sent = sum(m.status.value == "delivered" for m in done)
            summary = f"Sendte {sent} av {len(done)} bekymringsmelding(er); {len(receipts)} kvittering(er)."
            echo_outcome(summary, done, lambda m: m.entry_id)

    try:
        repeat(step, loop=loop, interval=interval)
    finally:
        sender.close()
