"""In a municipality with bydeler, the receiving barnevern is the one whose bydel covers the child's
postal code, and the report names that bydel as KS's format asks."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from adapters.fiks import message
from core.config import DeploymentConfig, UnitConfig, default_config
from core.errors import InvalidInput
from tests.conftest import CHILD_WELFARE, World
from tests.test_fiks import send


@pytest.fixture
def config(tmp_path: Path) -> DeploymentConfig:
    base = default_config()
    municipality = base.municipalities[0]
    table = {"receiver": f"file:{tmp_path}"}
    west = {**table, "bydelsnummer": "01", "bydelsnavn": "Vest", "postnumre": ["4701"]}
    east = {**table, "bydelsnummer": "02", "bydelsnavn": "Øst", "postnumre": ["4702", "4703"]}
    units = [
        msgspec.structs.replace(u, adapters={"fiks": west}) if u.id == CHILD_WELFARE else u
        for u in municipality.units
    ]
    units.append(
        msgspec.convert(
            {"id": "barnevern-ost", "name": "Barneverntjenesten Øst", "service_type": "barnevern"}, UnitConfig
        )
    )
    units[-1] = msgspec.structs.replace(units[-1], adapters={"fiks": east})
    municipality = msgspec.structs.replace(municipality, plugins=["bti-standard", "fiks"], units=units)
    return msgspec.structs.replace(base, municipalities=[municipality])


def test_the_receiver_is_the_barnevern_of_the_childs_bydel(world: World) -> None:
    case_id = world.open_case().id
    east = send(world, case_id, child_postal_code="4702")
    assert (east.receiver_unit_id, east.receiver_name) == ("barnevern-ost", "Barneverntjenesten Øst")
    with world.system() as w:
        body = message.build(w.reports.content(east.id))
    assert (body["bydelsnummer"], body["bydelsnavn"]) == ("02", "Øst")
    assert send(world, case_id, child_postal_code="4701").receiver_unit_id == CHILD_WELFARE
    with pytest.raises(InvalidInput) as unknown:
        send(world, case_id, child_postal_code="9999")  # no bydel covers it, and none covers all
    assert unknown.value.field == "child_postal_code"
