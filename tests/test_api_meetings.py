"""Meetings through the API: in a case, and the anonymous discussion that needs neither case nor consent."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts import Level, MeetingArena, MeetingKind, hookimpl
from core.config import DeploymentConfig, default_config
from core.testing import configure
from tests.api_support import Api
from tests.conftest import World


class ArenaPlugin:
    """A municipality's standing arena for anonymous interdisciplinary discussion."""

    @staticmethod
    @hookimpl
    def meeting_arenas(municipality):
        return [
            MeetingArena(
                id="drofting",
                name="Tverrfaglig drøfting",
                kind=MeetingKind.DISCUSSION,
                mandate="Anonym drøfting av undringer.",
                levels=[Level.INTERNAL, Level.COLLABORATE_TWO],
                anonymous_allowed=True,
            )
        ]


@pytest.fixture
def config() -> DeploymentConfig:
    return configure(default_config(), {"9901": ["bti-standard", "arena-test"]})


@pytest.fixture
def extra_plugins() -> dict[str, object]:
    return {"arena-test": ArenaPlugin}


def test_anonymous_discussion_needs_no_case_and_no_consent(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    arenas = teacher.ok("GET", "/api/v1/arenas?limit=200")["items"]
    arena = next(a for a in arenas if a["anonymous_allowed"])
    starts = (world.clock.now + dt.timedelta(days=3)).isoformat()
    meeting = teacher.ok(
        "POST", "/api/v1/meetings", {"kind": "discussion", "starts_at": starts, "arena_id": arena["id"]}
    )
    assert meeting["case_id"] is None


def test_meeting_in_a_case_is_logged(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    starts = (world.clock.now + dt.timedelta(days=1)).isoformat()
    meeting = teacher.ok(
        "POST", "/api/v1/meetings", {"kind": "collaboration", "starts_at": starts, "case_id": case.id}
    )
    assert teacher.ok("GET", f"/api/v1/cases/{case.id}/meetings")["items"] == [meeting]
    naive = teacher.post(
        "/api/v1/meetings", {"kind": "collaboration", "starts_at": "2025-03-04T10:00:00", "case_id": case.id}
    )
    assert naive.status_code == 400 and naive.json()["invalid-params"][0]["name"]


def test_a_meeting_is_moved_then_cancelled_and_a_begun_one_is_not(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    starts = world.clock.now + dt.timedelta(days=2)
    meeting = teacher.ok(
        "POST", "/api/v1/meetings",
        {"kind": "collaboration", "starts_at": starts.isoformat(), "case_id": case.id, "location": "Rom 2"},
    )  # fmt: skip
    assert meeting["location"] == "Rom 2" and meeting["sequence"] == 0
    later = (starts + dt.timedelta(days=1)).isoformat()
    moved = teacher.ok("POST", f"/api/v1/meetings/{meeting['id']}/reschedule", {"starts_at": later})
    assert moved["sequence"] == 1 and moved["location"] == "Rom 2"
    assert dt.datetime.fromisoformat(moved["starts_at"]) == starts + dt.timedelta(days=1)
    cancelled = teacher.ok("POST", f"/api/v1/meetings/{meeting['id']}/cancel")
    assert cancelled["cancelled_at"] is not None and cancelled["sequence"] == 2
    again = teacher.post(f"/api/v1/meetings/{meeting['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "meeting_cancelled"
    with world.as_(world.teacher) as w:
        kinds = [e.kind.value for e in w.log.entries(case.id)]
    assert kinds[-2:] == ["meeting_changed", "meeting_cancelled"]
    assert api.as_(world.ppt).post(f"/api/v1/meetings/{meeting['id']}/cancel").status_code == 404
    missing = teacher.post("/api/v1/meetings/finnes-ikke/cancel")
    assert missing.status_code == 404
