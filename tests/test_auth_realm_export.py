"""configs/keycloak/stafett-realm.json speaks the token vocabulary core.auth reads."""

from __future__ import annotations

import json
from pathlib import Path

from core.auth.identity import REALM_ROLES
from core.config import default_config

EXPORT = Path(__file__).parents[1] / "configs" / "keycloak" / "stafett-realm.json"


def test_realm_export_has_the_roles_groups_and_mappers_stafett_reads() -> None:
    realm = json.loads(EXPORT.read_text(encoding="utf-8"))
    assert realm["realm"] == "stafett"
    assert sorted(r["name"] for r in realm["roles"]["realm"]) == sorted(REALM_ROLES)
    (client,) = realm["clients"]
    assert client["clientId"] == "stafett" and not client["publicClient"] and "secret" not in client
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    mappers = {m["protocolMapper"]: m["config"] for m in client["protocolMappers"]}
    assert mappers["oidc-audience-mapper"]["included.client.audience"] == "stafett"
    assert mappers["oidc-group-membership-mapper"]["full.path"] == "true"
    claims = {m["config"]["claim.name"] for m in client["protocolMappers"] if "user.attribute" in m["config"]}
    assert {"stafett_person", "municipality", "pid"} <= claims
    demo = default_config().municipality("9901")
    (group,) = [g for g in realm["groups"] if g["name"] == "9901"]
    units = {g["name"]: {s["name"] for s in g.get("subGroups", [])} for g in group["subGroups"]}
    for unit in demo.units:
        assert units[unit.id] == {"employee", "unit_leader"}
    assert {"coordinator", "administrator", "auditor"} <= units.keys()
