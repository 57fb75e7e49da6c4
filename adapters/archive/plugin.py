"""The ``archive`` plugin: registers the archive outbox channel (``outbox_channels``) that carries each
closed case's archive version to the municipality's archive. Enable it in a municipality's ``plugins``
and give one unit an ``adapters.archive`` table (``adapters.archive.channel``, docs/archive.md)."""

from __future__ import annotations

from contracts import Municipality, OutboxChannel, hookimpl


@hookimpl
def outbox_channels(municipality: Municipality) -> list[OutboxChannel]:
    from adapters.archive.channel import CHANNEL

    return [CHANNEL]
