"""What a transfer of chosen entries keeps from the receiving unit, as SQL the reading services add.

Its own module so the services that list a case's log, concerns and tiltak can filter without importing
the transfer service (which writes the log through them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, exists

from contracts import TransferStatus
from core.domain.policy import ActorKind
from core.storage.archive_models import CaseTransferEntryRow, CaseTransferRow

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


def hidden_from(actor_units: list[str] | BindParameter[Any], entry: Any, *, created: Any = None) -> Any:
    """SQL: true for a row of a case that a transfer of scope "selected" to one of ``actor_units`` keeps
    from them; ``entry`` is the log entry (its id and seq), or with ``created`` a concern's or tiltak's
    case id column and creation time (all of those from before the transfer are kept back)."""
    t = CaseTransferRow
    base = [t.status == TransferStatus.ACCEPTED, t.scope == "selected", t.to_unit_id.in_(actor_units)]
    if created is not None:
        return exists().where(t.case_id == entry, t.decided_at >= created, *base)
    chosen = (
        exists()
        .where(CaseTransferEntryRow.transfer_id == t.id, CaseTransferEntryRow.entry_id == entry.id)
        .correlate_except(CaseTransferEntryRow)  # two levels down: the entry is the outer query's
    )
    return exists().where(t.case_id == entry.case_id, t.cutoff_seq >= entry.seq, ~chosen, *base)


def employee_units(work: Work) -> list[str]:
    """The actor's units when the actor is an employee (the receiving side of a transfer), else none."""
    return list(work.actor.unit_roles) if work.actor.kind is ActorKind.EMPLOYEE else []
