"""The ``fhir`` plugin: mounts the FHIR read facade (``/fhir/R4/``) through the ``routes`` hook, and
registers the FHIR outbox channel (``outbox_channels``) with its per-unit config (``adapters.fhir.channel``).

Enable it in a municipality's ``plugins`` to give that municipality's people FHIR read access.
This module itself imports only ``contracts`` and the channel table (itself contracts-only), like every
plugin; it returns the facade's router.
The exception to "plugins import contracts only" is the facade it mounts (``adapters.fhir.facade``):
it is adapter code and reads through core's public service layer (``core.platform``,
``core.services.*``), so the one policy and the audit trail apply to every FHIR read.
"""

from __future__ import annotations

from adapters.fhir.channel import CHANNEL
from contracts import WorkerJob, hookimpl, provides


@hookimpl
def routes() -> list[object]:
    from adapters.fhir.facade import fhir_router

    return [fhir_router]


provide_outbox_channels = provides("outbox_channels", [CHANNEL])


@hookimpl
def worker_jobs() -> list[WorkerJob]:
    from adapters.fhir.jobs import deliver

    return [WorkerJob(name="fhir", run=deliver)]
