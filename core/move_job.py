"""Moving a case to another municipality of the same deployment (a region on one Stafett).

The same rule and the same record as the signed package between deployments, without the file: the
family's consent to moving, the whole log carried over with its original times and authors, and the
case closed as moved in the old municipality (whose archive then takes it). Each municipality's work is
its own transaction, run one after the other; each step is safe to run again, so a move that stopped
half-way is finished by running it once more: the new municipality never takes the same case in twice.

Its own module (not in ``core.services.moving``) because it drives the platform, which is built on the
services.
"""

from __future__ import annotations

from contracts import Case
from core.domain.policy import Actor
from core.errors import InvalidInput
from core.i18n import _
from core.platform import Platform
from core.services.moving import PURPOSE_MOVE


def move_within(platform: Platform, case_id: str, *, source: str, target: str, unit_id: str) -> Case:
    """Move ``case_id`` from municipality ``source`` to ``unit_id`` in ``target``; the new case."""
    if source == target:
        raise InvalidInput(
            _("Saken er allerede i denne kommunen; bruk overføring mellom enheter."), field="to"
        )
    for mid in (source, target):  # an unknown municipality stops here, before anything is written
        try:
            platform.municipality(mid)
        except KeyError as exc:
            raise InvalidInput(str(exc.args[0]), field="to") from None
    with platform.work(Actor.system(source, operator="flytting"), PURPOSE_MOVE) as w:
        record = w.moving.record_for_move(case_id)
    sender = {"deployment": platform.config.name, "municipality_id": source,
              "municipality_name": platform.municipality(source).name}  # fmt: skip
    with platform.work(Actor.system(target, operator="flytting"), PURPOSE_MOVE) as w:
        moved = w.moving.moved_here(case_id)
        case = (
            w.cases.get(moved)
            if moved
            else w.moving.import_case(record, unit_id=unit_id, sender=sender, signed=False)
        )
    with platform.work(Actor.system(source, operator="flytting"), PURPOSE_MOVE) as w:
        w.moving.close_moved(case_id)
    return case
