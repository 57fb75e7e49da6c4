"""The region-scale demo data set: 25 fictional municipalities, 60,000 children, 20,000 cases, a million
log entries and five million audit events, written in bulk.

Going through the services case by case costs a transaction, an ORM flush and a chain-head lock per
write (about a thousand log entries a second); a region would take hours. Here each case's history is
played in Python under the domain's own rules (``core.domain.levels``, ``core.domain.policy``,
``core.domain.consent``), one municipality at a time in worker processes, and the rows go to the
database in large batches inside one transaction per municipality; the audit events are chained with
``core.audit.event_hash``, so ``stafett audit verify`` checks the seeded chains like any other.

``plan`` sizes the region; ``world`` registers the people; ``case``, ``history`` and ``everyday`` play
each case; ``municipality`` runs one municipality; ``chain`` links its audit events; ``tables`` encodes
rows for a backend; ``writer`` stores them; ``run`` ties it together.
"""

from core.seed_region.run import RegionReport, seed_region

__all__ = ["RegionReport", "seed_region"]
