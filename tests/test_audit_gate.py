"""A read is answered only once its audit event is stored; a read whose event cannot be stored fails.

Reads hand their audit events to group commit (``core.audit_writer``) and the API's gate
(``core.audit_gate``) holds the response until they are durable: the short reads on the event loop,
the others in worker threads. Here the store of reads' events breaks, as a full disk would break it.
"""

from __future__ import annotations

import pytest

from core import audit_writer
from tests.api_support import Api
from tests.conftest import World

READS = [  # a read on the event loop (bounded), and reads in worker threads
    "/api/v1/cases/{id}",
    "/api/v1/cases/{id}/log?limit=50",
    "/api/v1/cases",
    "/api/v1/cases/{id}/measures",
]


@pytest.mark.parametrize("path", READS)
def test_the_answer_to_a_read_waits_for_its_audit_event(api: Api, world: World, path: str) -> None:
    case = world.open_case()
    before = api.audit_count(actor_id=world.teacher, outcome="allowed")
    response = api.as_(world.teacher).get(path.format(id=case.id))
    assert response.status_code == 200, response.text
    assert api.audit_count(actor_id=world.teacher, outcome="allowed") > before  # stored before the answer


@pytest.mark.parametrize("path", READS)
def test_a_read_whose_audit_event_cannot_be_stored_is_not_answered(
    api: Api, world: World, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = world.open_case()
    before = api.audit_count(actor_id=world.teacher)

    def disk_full(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(audit_writer, "append", disk_full)
    response = api.as_(world.teacher).get(path.format(id=case.id))
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"]
    problem = response.json()
    assert problem["code"] == "busy" and "Prøv igjen" in problem["detail"]
    assert case.id not in response.text and case.subject_id not in response.text  # nothing of the case
    assert api.audit_count(actor_id=world.teacher) == before

    monkeypatch.undo()  # the store works again: so does the next read
    assert api.as_(world.teacher).get(path.format(id=case.id)).status_code == 200
