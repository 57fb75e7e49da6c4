"""The bekymringsmeldinger as a job of ``stafett worker`` (hook ``worker_jobs`` of the ``fiks`` plugin)."""

from __future__ import annotations

from core.public import Platform, run_reports


def deliver(platform: Platform) -> int:
    """Send every bekymringsmelding due now and record the receipts waiting; returns how many."""
    from adapters.fiks.senders import FiksSender, collect_drop_receipts

    sender = FiksSender(platform)
    try:
        return len(run_reports(platform, sender)) + len(collect_drop_receipts(platform))
    finally:
        sender.close()
