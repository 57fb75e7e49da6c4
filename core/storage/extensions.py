"""Tables that adapters own: found through the entry-point group ``stafett.storage``, never imported by name.

An adapter that keeps its own bookkeeping in the database (the OneRoster adapter's source ids and
digests) registers a module there exposing ``METADATA`` (its SQLAlchemy ``MetaData``, with a one-column
stand-in for each core table its foreign keys name, which core's real table replaces here) and
``VERSIONS`` (the folder of its Alembic revisions, one branch labelled with its name, whose base
``depends_on`` the core revision it needs). Core migrates every installed branch with its own
(``upgrade heads``), and Alembic compares against core's tables plus these.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import sqlalchemy as sa

STORAGE_GROUP = "stafett.storage"


@cache
def _modules() -> tuple[Any, ...]:
    return tuple(ep.load() for ep in sorted(entry_points(group=STORAGE_GROUP), key=lambda ep: ep.name))


def version_locations() -> list[Path]:
    """The revision folders of every installed adapter that owns tables."""
    return [Path(module.VERSIONS) for module in _modules()]


def target_metadata(core: sa.MetaData) -> sa.MetaData:
    """Core's tables and every adapter's, in one MetaData (so adapters' foreign keys to core resolve)."""
    adapters = [module.METADATA for module in _modules()]
    if not adapters:
        return core
    combined = sa.MetaData(naming_convention=core.naming_convention)
    for metadata in (core, *adapters):
        for name, table in metadata.tables.items():
            if name not in combined.tables:  # an adapter's stand-in for a core table it refers to
                table.to_metadata(combined)
    return combined
