"""The ``fiks`` plugin: registers the Fiks outbox channel (``outbox_channels``) that carries
bekymringsmeldinger to barnevern. Enable it in a municipality's ``plugins`` and give its barnevern
unit an ``adapters.fiks`` table (``adapters.fiks.channel``, docs/fiks.md). Imports ``contracts`` only."""

from __future__ import annotations

from contracts import Municipality, OutboxChannel, WorkerJob, hookimpl


@hookimpl
def outbox_channels(municipality: Municipality) -> list[OutboxChannel]:
    from adapters.fiks.channel import CHANNEL

    return [CHANNEL]


@hookimpl
def worker_jobs() -> list[WorkerJob]:
    from adapters.fiks.jobs import deliver

    return [WorkerJob(name="fiks", run=deliver)]
