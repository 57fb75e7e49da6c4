"""Sync from a OneRoster 1.2 REST server on loopback: OAuth2 client credentials, paging, delta."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.school import sync_rest
from adapters.school.rest import RestError
from adapters.school.storage import RosterSourceRow
from core.storage import models as m
from tests.oneroster import RestPeer, Roster

MUNICIPALITY = "9901"


@pytest.fixture
def roster() -> Roster:
    return Roster.build(pupils=30, schools=2, pupils_per_class=10, subject_classes=1)


def sync(platform, peer: RestPeer, **kwargs):
    rest = {"client_id": "stafett", "client_secret": "hemmelig", "page_size": 25} | kwargs
    return sync_rest(platform, peer.url, municipality_id=MUNICIPALITY, **rest)


def test_first_sync_reads_everything_page_by_page_then_only_changes(platform, roster) -> None:
    with RestPeer(roster) as peer:
        first = sync(platform, peer)
        assert first.summary.counts["children"]["created"] == 30
        assert (
            first.summary.counts["class_members"]["created"] == 30 * 2 + 8
        )  # two classes each pupil, one teacher each of the eight classes
        pages = [r for r in peer.requests if r.startswith("GET /ims/oneroster/rostering/v1p2/users")]
        assert len(pages) > 3 and all("filter" not in p for p in pages)  # bulk, in pages of 25
        assert peer.requests[0] == "POST /token"

        peer.requests.clear()
        roster.tick()
        roster.put("users", "p1", **(roster.tables["users"]["p1"] | {"familyName": "Nyhus"}))
        roster.delete("roles", "r-p2-skole-1-student")  # p2 leaves skole-1 …
        roster.put(
            "roles",
            "r-p2-skole-2-student",
            userSourcedId="p2",
            roleType="primary",
            role="student",
            orgSourcedId="skole-2",
        )  # … for skole-2: the user is returned with both roles changed
        second = sync(platform, peer)
        assert all("filter=dateLastModified" in r for r in peer.requests if r.startswith("GET"))
        counts = second.summary.counts
        assert counts["children"]["updated"] == 1
        assert counts["school_links"]["created"] == 1 and counts["school_links"]["deactivated"] == 1
        assert second.summary.total("created") == 1  # p2's new school link, nothing else
        with platform.database.session() as s:
            names = s.scalars(
                sa.select(m.PersonRow.family_name).where(m.PersonRow.family_name == "Nyhus")
            ).all()
        assert names == ["Nyhus"]

        third = sync(platform, peer)  # nothing changed since: the overlap at the watermark is idempotent
        assert third.summary.total("created") == third.summary.total("updated") == 0
        assert third.summary.total("deactivated") == 0


def test_wrong_client_credentials_are_named_and_nothing_is_written(platform, roster) -> None:
    with RestPeer(roster) as peer, pytest.raises(RestError, match="ble avvist \\(401\\)"):
        sync(platform, peer, client_secret="feil")
    with platform.database.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(m.PersonRow)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(RosterSourceRow)) == 0
