"""The ``fiks`` plugin: registers the Fiks outbox channel (``outbox_channels``) that carries
bekymringsmeldinger to barnevern. Enable it in a municipality's ``plugins`` and give its barnevern
unit an ``adapters.fiks`` table (``adapters.fiks.channel``, docs/fiks.md). Imports ``contracts`` and that
channel module only."""

from __future__ import annotations

from adapters.fiks.channel import CHANNEL
from contracts import WorkerJob, hookimpl, provides

provide_outbox_channels = provides("outbox_channels", [CHANNEL])


@hookimpl
def worker_jobs() -> list[WorkerJob]:
    from adapters.fiks.jobs import deliver

    return [WorkerJob(name="fiks", run=deliver)]
