"""The municipality's audit events, in time order, linked into its chain with ``core.audit.event_hash``:
the same function that links every event in use and that ``core.audit.verify`` checks."""

from __future__ import annotations

from collections.abc import Iterator

from core.audit import event_hash, personal_digest
from core.seed_region.ids import IdMaker
from core.seed_region.tables import Row, datetime_text
from core.seed_region.world import Event

BATCH = 50_000


def chained(
    municipality_id: str, events: list[Event], head: tuple[int, str], new_id: IdMaker, dialect: str
) -> Iterator[list[Row]]:
    """Batches of audit_event rows (in the table's column order, encoded for ``dialect``) continuing
    the chain from ``head``; the new head is the last row's (seq, hash)."""
    events.sort(key=lambda e: e[0])  # stable: a case's events at one moment keep their order
    seq, prev = head
    batch: list[Row] = []
    at_text = datetime_text(dialect)
    for event in events:
        seq += 1
        event_id = new_id()
        at, actor_id, actor_kind, on_behalf_of, action, case_id, subject_id, purpose, outcome, reason = event
        fields = {
            "id": event_id,
            "municipality_id": municipality_id,
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor_kind": actor_kind,
            "on_behalf_of": on_behalf_of,
            "action": action,
            "case_id": case_id,
            "subject_id": subject_id,
            "purpose": purpose,
            "outcome": outcome,
            "reason": reason,
        }
        fields["personal_digest"] = personal = personal_digest(fields)  # erasable later, as a live event's
        digest = event_hash(fields, prev)
        batch.append(
            (
                event_id,
                municipality_id,
                seq,
                at_text(at),
                actor_id,
                actor_kind,
                on_behalf_of,
                action,
                case_id,
                subject_id,
                purpose,
                outcome,
                reason,
                prev,
                digest,
                personal,
                None,  # erased_at
            )
        )
        prev = digest
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
