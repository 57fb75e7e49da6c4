"""Interop with an OpenID provider this project did not write: npm's oidc-provider in Keycloak's URL
layout (tests/oidc_peer/server.js), started on loopback. Stafett runs with auth kind "keycloak"
pointing at it: a user logs in through the provider's own login and consent pages, the API answers
/api/v1/me for them, and an expired, a wrongly signed and a wrong-audience token, and the provider's
ID token presented as a bearer token, are refused.

The peer's node_modules come from `npm ci` in tests/oidc_peer, which `./dev test` runs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from jwcrypto import jwk, jwt
from litestar import Litestar
from litestar.datastructures import State
from msgspec.structs import replace

import core.auth
from core.auth.settings import CLIENT_SECRET_ENV
from core.config import AuthConfig
from core.platform import Platform
from tests.conftest import SCHOOL, World

PEER = Path(__file__).parent / "oidc_peer"
SECRET = "interop-" + secrets.token_hex(8)


class Forms(HTMLParser):
    """Every form on a page: (action, {input name: value})."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", {}))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1][1][a["name"]] = a.get("value") or ""


@pytest.fixture
def peer(world: World) -> Iterator:
    """Factory: ``peer(redirect_uri)`` starts oidc-provider; returns its base URL (Keycloak's server_url)."""
    node = shutil.which("node")
    if node is None or not (PEER / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is not installed: run ./dev test (or: cd tests/oidc_peer && npm ci)")
    processes: list[subprocess.Popen] = []
    key = jwk.JWK.generate(kty="RSA", size=2048, kid="peer-key", alg="RS256", use="sig")
    profile = {"name": "Tina Ansatt", "preferred_username": "tina"}
    identity = {
        "stafett_person": world.teacher,
        "municipality": "9901",
        "realm_access": {"roles": ["employee"]},
        "groups": [f"/9901/{SCHOOL}/employee"],
    }

    def start(redirect_uri: str) -> str:
        settings = {
            "port": 0,
            "realm": "stafett",
            "jwk": key.export_private(as_dict=True),
            "clients": [
                {
                    "client_id": "stafett",
                    "client_secret": SECRET,
                    "redirect_uris": [redirect_uri],
                    "ttl": 300,
                },
                {"client_id": "kortlevd", "client_secret": SECRET, "redirect_uris": [redirect_uri], "ttl": 1},
            ],
            "accounts": {
                "tina": {
                    "profile": profile,
                    "token_claims": {**profile, **identity},
                    "id_token_claims": identity,
                }
            },
        }
        process = subprocess.Popen(
            [node, str(PEER / "server.js"), json.dumps(settings)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PEER,
        )
        processes.append(process)
        line = process.stdout.readline()
        if not line.startswith("listening "):
            process.kill()
            raise RuntimeError(f"oidc-provider did not start: {line}{process.stderr.read()}")
        return f"http://127.0.0.1:{int(line.split()[1])}"

    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def stafett(world: World, peer, serve_app, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Stafett with auth kind "keycloak" pointing at the peer; returns (app URL, peer URL)."""
    monkeypatch.setenv(CLIENT_SECRET_ENV, SECRET)
    urls: dict[str, str] = {}

    def make(base_url: str) -> Litestar:
        urls["peer"] = peer(f"{base_url}/auth/callback")
        auth = AuthConfig(kind="keycloak", server_url=urls["peer"], realm="stafett", leeway_seconds=0)
        old = world.platform
        platform = Platform(replace(old.config, auth=auth), old.database, old.plugins, old.clock)
        parts = core.auth.components(platform, public_url=base_url)
        return Litestar(
            parts.route_handlers, middleware=parts.middleware, state=State({"platform": platform})
        )

    return serve_app(make), urls["peer"]


def through_provider_pages(client: httpx.Client, response: httpx.Response, stop_at: str) -> httpx.Response:
    """Follow redirects and submit the provider's login (as "tina") and consent forms until ``stop_at``."""
    for _ in range(20):
        if response.status_code in (302, 303):
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(stop_at):
                return response
            response = client.get(location)
            continue
        assert response.status_code == 200, response.text
        action, fields = Forms(response.text).forms[0]
        if fields.get("prompt") == "login":
            fields.update(login="tina", password="hva-som-helst")
        response = client.post(urljoin(str(response.url), action), data=fields)
    raise AssertionError("the provider's pages did not lead back")


def provider_tokens(
    peer: str, redirect_uri: str, *, client_id: str = "stafett", resource: str = "urn:stafett"
) -> dict:
    """Tokens from the peer for "tina", httpx acting as browser and as client (code + PKCE)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    oidc = f"{peer}/realms/stafett/protocol/openid-connect"
    with httpx.Client() as client:
        start = client.get(
            f"{oidc}/auth",
            params={
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid profile",
                "state": "st",
                "nonce": "no",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "resource": resource,
            },
        )
        back = through_provider_pages(client, start, redirect_uri)
        code = re.search(r"[?&]code=([^&]+)", back.headers["location"])[1]
        answer = client.post(
            f"{oidc}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "client_id": client_id,
                "client_secret": SECRET,
                "resource": resource,
            },
        )
        assert answer.status_code == 200, answer.text
        return answer.json()


def _refused(response: httpx.Response, words: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert words in response.json()["detail"]


def test_login_through_oidc_provider_and_call_the_api(world: World, stafett: tuple[str, str]) -> None:
    app, _ = stafett
    with httpx.Client(base_url=app) as client:
        start = client.get("/login", params={"next": "/api/v1/me"})
        back = through_provider_pages(client, start, f"{app}/auth/callback")
        landed = client.get(back.headers["location"])
        assert landed.status_code == 302, landed.text
        me = client.get(landed.headers["location"])
    assert me.status_code == 200, me.text
    assert me.json()["person_id"] == world.teacher
    assert me.json()["units"] == [{"unit_id": SCHOOL, "unit_name": "Fjordvik skole", "role": "employee"}]


def test_bearer_tokens_from_oidc_provider(world: World, stafett: tuple[str, str]) -> None:
    app, peer = stafett
    redirect = f"{app}/auth/callback"

    def me(token: str) -> httpx.Response:
        return httpx.get(f"{app}/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    tokens = provider_tokens(peer, redirect)
    good = tokens["access_token"]
    answer = me(good)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["person_id"], answer.json()["kind"]) == (world.teacher, "employee")
    # the provider's RFC 9068 access token (header typ at+jwt, client_id) vs its ID token: same
    # issuer, key and audience "stafett", no typ claim; only the ID token carries the nonce
    assert jwt.JWT(jwt=good).token.jose_header["typ"] == "at+jwt"
    id_claims = json.loads(jwt.JWT(jwt=tokens["id_token"]).token.objects["payload"])
    assert id_claims["aud"] == "stafett" and id_claims["nonce"] == "no" and "typ" not in id_claims
    assert id_claims["stafett_person"] == world.teacher  # it names the user as fully as the access token
    _refused(me(tokens["id_token"]), "tilgangstoken")

    _refused(me(provider_tokens(peer, redirect, resource="urn:annen-tjeneste")["access_token"]), "audience")

    claims = json.loads(jwt.JWT(jwt=good).token.objects["payload"])
    forged = jwt.JWT(header={"alg": "RS256", "kid": "peer-key", "typ": "at+jwt"}, claims=claims)
    forged.make_signed_token(jwk.JWK.generate(kty="RSA", size=2048))
    _refused(me(forged.serialize()), "signatur")

    short = provider_tokens(peer, redirect, client_id="kortlevd")["access_token"]
    time.sleep(2.1)  # the provider's clock decides expiry: a one-second token, then past it
    _refused(me(short), "utløpt")
