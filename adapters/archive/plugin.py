"""The ``archive`` plugin: registers the archive outbox channel (``outbox_channels``) that carries each
closed case's archive version to the municipality's archive. Enable it in a municipality's ``plugins``
and give one unit an ``adapters.archive`` table (``adapters.archive.channel``, docs/archive.md)."""

from __future__ import annotations

from adapters.archive.channel import CHANNEL
from contracts import provides

provide_outbox_channels = provides("outbox_channels", [CHANNEL])
