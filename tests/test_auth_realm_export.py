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


def test_realm_export_brokers_id_porten_for_families_and_ansattporten_for_employees() -> None:
    """The two national logins are in the export, off until Digdir's client is filled in, with the
    mappers that give Stafett what it reads: the fødselsnummer as ``pid`` and the realm role."""
    realm = json.loads(EXPORT.read_text(encoding="utf-8"))
    providers = {p["alias"]: p for p in realm["identityProviders"]}
    assert providers.keys() == {"idporten", "ansattporten"}
    for alias, host in [("idporten", "idporten.no"), ("ansattporten", "ansattporten.no")]:
        provider = providers[alias]
        config = provider["config"]
        assert provider["providerId"] == "oidc" and not provider["enabled"] and not provider["trustEmail"]
        assert config["issuer"].endswith(host) and config["jwksUrl"].startswith(config["issuer"])
        assert config["clientAuthMethod"] == "private_key_jwt" and "clientSecret" not in config
        assert config["pkceEnabled"] == "true" and config["pkceMethod"] == "S256"
        assert config["validateSignature"] == "true" and config["syncMode"] == "FORCE"
    mappers: dict[str, list[dict]] = {}
    for mapper in realm["identityProviderMappers"]:
        mappers.setdefault(mapper["identityProviderAlias"], []).append(mapper)
    for alias, roles in [("idporten", {"guardian", "youth"}), ("ansattporten", {"employee"})]:
        found = mappers[alias]
        pid = [m["config"] for m in found if m["identityProviderMapper"] == "oidc-user-attribute-idp-mapper"]
        assert pid == [{"syncMode": "FORCE", "claim": "pid", "user.attribute": "pid"}]
        hardcoded = {
            m["config"]["role"] for m in found if m["identityProviderMapper"].endswith("role-idp-mapper")
        }
        assert hardcoded == roles and roles <= set(REALM_ROLES)
