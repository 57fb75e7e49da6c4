"""The FHIR deliveries as a job of ``stafett worker`` (hook ``worker_jobs`` of the ``fhir`` plugin)."""

from __future__ import annotations

from core.public import Platform, run_outbox


def deliver(platform: Platform) -> int:
    """Deliver every FHIR message due now; returns how many ended (delivered, dead or cancelled)."""
    from adapters.fhir.delivery import FhirSender

    sender = FhirSender(platform)
    try:
        return len(run_outbox(platform, sender))
    finally:
        sender.close()
