"""The built-in local realm end to end over real HTTP: the browser's authorization-code + PKCE login
from the persona page, /api/v1/me, refresh, logout, and the tokens that must be refused."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from html.parser import HTMLParser

import httpx
import pytest
from jwcrypto import jwk, jwt
from litestar import Litestar
from litestar.datastructures import State

import core.auth
from core.auth import issue_token, keys
from core.auth.realm import LocalRealm
from core.auth.session import SESSION_COOKIE, Signer
from core.auth.settings import AuthSettings
from tests.conftest import SCHOOL, World

OIDC = "/realms/stafett/protocol/openid-connect"  # the realm's endpoints, below the server's address


class Form(HTMLParser):
    """The login page's form: its action, hidden fields, and the persona buttons (value -> label)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.action, self.hidden, self.buttons, self._button = "", {}, {}, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a["action"]
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value") or ""
        elif tag == "button":
            self._button = a["value"]

    def handle_data(self, data):
        if self._button:
            self.buttons[self._button] = data
            self._button = None


@pytest.fixture
def server(world: World, serve_app) -> str:
    def make(base_url: str) -> Litestar:
        parts = core.auth.components(world.platform, public_url=base_url)
        return Litestar(
            route_handlers=parts.route_handlers,
            middleware=parts.middleware,
            state=State({"platform": world.platform}),
        )

    return serve_app(make)


def login(client: httpx.Client, person_id: str, next: str = "/api/v1/me") -> httpx.Response:
    """Log in as a persona the way a browser does; returns the response that lands on ``next``."""
    to_realm = client.get("/login", params={"next": next})
    assert to_realm.status_code == 302
    page = client.get(to_realm.headers["location"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    form = Form(page.text)
    assert person_id in form.buttons, "the persona is on the login page"
    back = client.post(form.action, data={**form.hidden, "person": person_id})
    assert back.status_code == 302 and "/auth/callback?" in back.headers["location"]
    landed = client.get(back.headers["location"])
    assert landed.status_code == 302 and landed.headers["location"] == next
    return client.get(landed.headers["location"])


def pkce_tokens(
    client: httpx.Client, base: str, person_id: str, verifier: str | None = None
) -> tuple[httpx.Response, str]:
    """A client's own authorization-code + PKCE exchange at the realm (no app session involved)."""
    verifier = verifier or secrets.token_urlsafe(48)
    code = pkce_code(client, base, person_id, verifier)
    return exchange_code(client, base, code, verifier), code


def pkce_code(client: httpx.Client, base: str, person_id: str, verifier: str) -> str:
    """The code the realm's login form hands back for ``person_id``, bound to ``verifier``'s challenge."""
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": "stafett",
        "redirect_uri": f"{base}/auth/callback",
        "response_type": "code",
        "scope": "openid",
        "state": "s1",
        "nonce": "n1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    back = client.post(f"{base}{OIDC}/auth", data={**params, "person": person_id})
    return re.search(r"[?&]code=([^&]+)", back.headers["location"])[1]


def exchange_code(client: httpx.Client, base: str, code: str, verifier: str) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "client_id": "stafett",
        "code": code,
        "redirect_uri": f"{base}/auth/callback",
        "code_verifier": verifier,
    }
    return client.post(f"{base}{OIDC}/token", data=data)


def refresh(client: httpx.Client, base: str, refresh_token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "client_id": "stafett", "refresh_token": refresh_token}
    return client.post(f"{base}{OIDC}/token", data=data)


def test_persona_page_lists_employees_by_unit_guardians_and_youth(world: World, server: str) -> None:
    with httpx.Client(base_url=server) as client:
        location = client.get("/login").headers["location"]
        page = client.get(location).text
    assert "Logg inn i Stafett" in page and "Fjordvik kommune (9901)" in page
    assert "Fjordvik skole" in page and "Tina Ansatt – ansatt" in page and "Leo Ansatt – enhetsleder" in page
    assert "Kim Ansatt – BTI-koordinator" in page and "Foresatte" in page and "Kari Fjord" in page
    youth = world.add_child(world.aged(16))
    small = world.add_child(world.aged(9))
    with httpx.Client(base_url=server) as client:
        form = Form(client.get(location).text)
    assert youth in form.buttons and small not in form.buttons


def test_browser_login_gives_me_and_the_session_cookie(world: World, server: str) -> None:
    with httpx.Client(base_url=server) as client:
        me = login(client, world.leader)
        assert me.status_code == 200, me.text
        assert me.json() == {
            "person_id": world.leader,
            "name": "Leo Ansatt",
            "kind": "employee",
            "municipality_id": "9901",
            "municipality_name": "Fjordvik kommune",
            "units": [{"unit_id": SCHOOL, "unit_name": "Fjordvik skole", "role": "unit_leader"}],
            "municipal_roles": [],
        }
        cookie = next(c for c in client.cookies.jar if c.name == SESSION_COOKIE)
        assert cookie.has_nonstandard_attr("HttpOnly")

        # logout ends the realm session and the cookie
        out = client.get("/logout")
        assert out.status_code == 200 and "logget ut" in out.text
        assert client.get("/api/v1/me").status_code == 401


def test_guardian_and_youth_log_in_as_family(world: World, server: str) -> None:
    youth = world.add_child(world.aged(15))
    with httpx.Client(base_url=server) as client:
        assert login(client, world.mother).json()["kind"] == "guardian"
    with httpx.Client(base_url=server) as client:
        me = login(client, youth).json()
        assert (me["kind"], me["units"], me["name"]) == ("youth", [], "Test Barn")


def test_token_endpoint_pkce_refresh_and_logout(world: World, server: str) -> None:
    oidc = f"{server}{OIDC}"
    with httpx.Client() as client:
        answer, code = pkce_tokens(client, server, world.teacher)
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        assert tokens["token_type"] == "Bearer" and {"id_token", "refresh_token"} <= tokens.keys()
        claims = jwt.JWT(jwt=tokens["access_token"]).token.objects["payload"]
        assert b'"realm_access"' in claims and f"/9901/{SCHOOL}/employee".encode() in claims

        again = exchange_code(client, server, code, "x" * 43)
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"  # single use

        wrong, _ = pkce_tokens(client, server, world.teacher, verifier=None)
        assert wrong.status_code == 200
        me = client.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.status_code == 200 and me.json()["person_id"] == world.teacher

        refreshed = refresh(client, server, tokens["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        new_access = refreshed.json()["access_token"]
        me = client.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {new_access}"})
        assert me.status_code == 200 and me.json()["person_id"] == world.teacher

        userinfo = client.get(f"{oidc}/userinfo", headers={"Authorization": f"Bearer {new_access}"})
        assert userinfo.json()["stafett_person"] == world.teacher

        out = client.post(
            f"{oidc}/logout", data={"client_id": "stafett", "refresh_token": tokens["refresh_token"]}
        )
        assert out.status_code == 204
        after = refresh(client, server, refreshed.json()["refresh_token"])
        assert after.status_code == 400 and after.json()["error"] == "invalid_grant"


def test_wrong_pkce_verifier_is_refused(world: World, server: str) -> None:
    with httpx.Client() as client:
        code = pkce_code(client, server, world.teacher, secrets.token_urlsafe(48))
        answer = exchange_code(client, server, code, secrets.token_urlsafe(48))
        assert answer.status_code == 400 and "PKCE" in answer.json()["error_description"]
        plain = client.get(
            f"{server}{OIDC}/auth",
            params={
                "client_id": "stafett",
                "redirect_uri": f"{server}/auth/callback",
                "response_type": "code",
                "scope": "openid",
                "state": "s",
            },
        )
        assert plain.status_code == 302 and "error=invalid_request" in plain.headers["location"]


def test_expired_session_is_renewed_with_the_refresh_token(world: World, server: str) -> None:
    with httpx.Client() as client:
        tokens = pkce_tokens(client, server, world.nurse)[0].json()
    signer = Signer(keys.session_secret(world.platform.database), secure=False)
    stale = issue_token(world.platform, world.nurse, lifetime=-3600, public_url=server)
    cookie = signer.dumps({"at": stale, "rt": tokens["refresh_token"]}, 600)
    with httpx.Client(base_url=server, cookies={SESSION_COOKIE: cookie}) as client:
        me = client.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["person_id"] == world.nurse
        assert SESSION_COOKIE in me.headers["set-cookie"]


def _refused(response: httpx.Response, words: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith('Bearer realm="stafett", error="invalid_token"')
    body = response.json()
    assert body["status"] == 401 and words in body["detail"]


def test_bad_tokens_are_refused_with_problem_details(world: World, server: str) -> None:
    def me(token: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{server}/api/v1/me", headers=headers)

    good = issue_token(world.platform, world.teacher, public_url=server)
    assert me(good).status_code == 200
    _refused(me(None), "Mangler tilgangstoken")
    _refused(me(issue_token(world.platform, world.teacher, lifetime=-3600, public_url=server)), "utløpt")
    _refused(
        me(issue_token(world.platform, world.teacher, audience="annen-tjeneste", public_url=server)),
        "audience",
    )
    _refused(me(issue_token(world.platform, world.teacher, public_url="http://elsewhere.example")), "issuer")
    # the same claims under the realm's key id, signed by a key the realm never had
    claims = jwt.JWT(jwt=good).token.objects["payload"].decode()
    kid = jwt.JWT(jwt=good).token.jose_header["kid"]
    forged = jwt.JWT(header={"alg": "RS256", "kid": kid}, claims=claims)
    forged.make_signed_token(jwk.JWK.generate(kty="RSA", size=2048))
    _refused(me(forged.serialize()), "signatur")
    _refused(me("not-a-token"), "JWT")


def test_token_for_an_inactive_person_is_not_a_user(world: World, server: str) -> None:
    token = issue_token(world.platform, world.ppt, public_url=server)
    from core.storage.models import PersonRow

    with world.platform.database.session() as session, session.begin():
        session.get(PersonRow, world.ppt).active = False
    answer = httpx.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("application/problem+json")


def test_an_id_token_or_refresh_token_is_not_an_access_token(world: World, server: str) -> None:
    """Issue 13: the login's ID token (typ "ID", aud "stafett", good signature) used as a bearer token."""
    with httpx.Client() as client:
        answer, _ = pkce_tokens(client, server, world.teacher)
    tokens = answer.json()

    def me(token: str) -> httpx.Response:
        return httpx.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert me(tokens["access_token"]).status_code == 200
    _refused(me(tokens["id_token"]), "ID-token")
    _refused(me(tokens["refresh_token"]), "")  # its audience is the realm itself
    userinfo = httpx.get(
        f"{server}{OIDC}/userinfo",
        headers={"Authorization": f"Bearer {tokens['id_token']}"},
    )
    assert userinfo.status_code == 401

    # an access token the realm signed for another client (azp), even with "stafett" in aud
    realm = LocalRealm(world.platform, AuthSettings.from_config(world.platform.config.auth, server))
    claims = json.loads(jwt.JWT(jwt=tokens["access_token"]).token.objects["payload"])
    _refused(me(realm.sign({**claims, "azp": "annen-klient"})), "annen klient")
    # the browser login, which checks the ID token as an ID token, still works
    with httpx.Client(base_url=server) as browser:
        assert login(browser, world.teacher).json()["person_id"] == world.teacher
