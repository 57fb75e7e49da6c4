"""The built-in local realm: an OpenID provider in Keycloak's URL layout, for the embedded default.

It serves ``/realms/{realm}/.well-known/openid-configuration`` and ``/protocol/openid-connect/
{auth,token,certs,userinfo,logout}`` with the token shape of a Keycloak realm imported from
configs/keycloak/stafett-realm.json, so the app's python-keycloak code cannot tell the two apart.
Instead of a password form the login page lists the people of the deployment's fictional
municipalities (those that allow synthetic fødselsnumre); choosing one completes the login.
A real municipality's people can therefore never be impersonated here: production uses Keycloak.

Authorization codes are single-use, live 60 seconds and require PKCE S256. Refresh tokens are
signed JWTs naming a login session in the database, so logout ends them in every app process.
Timestamps in tokens are wall-clock time: validators (jwcrypto) check them against wall-clock time.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import html
import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from jwcrypto import jwk, jwt
from litestar import Request, Response, Router, get, post, route
from litestar.response import Redirect
from sqlalchemy import func, select

from contracts import PersonKind
from core.auth import keys
from core.auth.identity import IdentityError, claims_for, youth_age
from core.auth.problems import ascii_text
from core.auth.settings import AuthSettings
from core.auth.validation import InvalidToken, TokenValidator
from core.ids import new_id
from core.platform import Platform
from core.storage import models as m
from core.storage.auth_models import RealmSessionRow

ACCESS_LIFETIME = 300  # seconds, Keycloak's default
SESSION_LIFETIME = 1800  # seconds a refresh token (and the login session) lasts
CODE_LIFETIME = 60
PERSONAS_PER_LIST = 25


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def response(self) -> Response[dict[str, str]]:
        return Response(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers={"Cache-Control": "no-store"},
        )


class LocalRealm:
    """Keys, token minting and login sessions of the local realm."""

    def __init__(self, platform: Platform, settings: AuthSettings) -> None:
        self.platform = platform
        self.settings = settings
        self.key = keys.signing_key(platform.database, settings.realm)
        self.kid = self.key.export_public(as_dict=True)["kid"]
        public = jwk.JWK.from_json(self.key.export_public())
        self.public_keys = jwk.JWKSet()
        self.public_keys.add(public)
        self.validator = TokenValidator(settings, self.public_keys)

    @property
    def issuer(self) -> str:
        return self.settings.issuer

    def endpoint(self, name: str) -> str:
        return f"{self.issuer}/protocol/openid-connect/{name}"

    def sign(self, claims: dict[str, Any]) -> str:
        token = jwt.JWT(header={"alg": "RS256", "typ": "JWT", "kid": self.kid}, claims=claims)
        token.make_signed_token(self.key)
        return token.serialize()

    def access_token(
        self,
        person_id: str,
        *,
        lifetime: int = ACCESS_LIFETIME,
        audience: str | list[str] | None = None,
        sid: str | None = None,
        scope: str = "openid profile",
    ) -> str:
        with self.platform.database.session() as session:
            identity = claims_for(session, self.platform, person_id)
        now = int(time.time())
        aud = audience if audience is not None else [self.settings.client_id, "account"]
        claims = {
            "exp": now + lifetime,
            "iat": now,
            "jti": str(uuid.uuid4()),
            "iss": self.issuer,
            "aud": aud,
            "typ": "Bearer",
            "azp": self.settings.client_id,
            "scope": scope,
            **({"sid": sid} if sid else {}),
            **identity,
        }
        return self.sign(claims)

    def token_response(self, row: RealmSessionRow, *, with_id_token: bool) -> dict[str, Any]:
        now = int(time.time())
        session_end = int(row.created_at.timestamp()) + SESSION_LIFETIME
        access = self.access_token(row.person_id, sid=row.id, scope=row.scope)
        refresh = self.sign(
            {
                "exp": session_end,
                "iat": now,
                "jti": str(uuid.uuid4()),
                "iss": self.issuer,
                "aud": self.issuer,
                "sub": row.person_id,
                "typ": "Refresh",
                "azp": row.client_id,
                "sid": row.id,
                "scope": row.scope,
            }
        )
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": ACCESS_LIFETIME,
            "refresh_expires_in": max(0, session_end - now),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "not-before-policy": 0,
            "session_state": row.id,
            "scope": row.scope,
        }
        if with_id_token:
            with self.platform.database.session() as session:
                identity = claims_for(session, self.platform, row.person_id)
            body["id_token"] = self.sign(
                {
                    "exp": now + ACCESS_LIFETIME,
                    "iat": now,
                    "auth_time": int(row.created_at.timestamp()),
                    "jti": str(uuid.uuid4()),
                    "iss": self.issuer,
                    "aud": row.client_id,
                    "typ": "ID",
                    "azp": row.client_id,
                    "sid": row.id,
                    **({"nonce": row.nonce} if row.nonce else {}),
                    **identity,
                }
            )
        return body

    def may_log_in(self, municipality_id: str) -> bool:
        """Only fictional municipalities (synthetic fødselsnumre allowed) are open to persona login."""
        try:
            return self.platform.municipality(municipality_id).allow_synthetic_national_ids
        except KeyError:
            return False

    # --- the authorization-code flow ---------------------------------------------------------------

    def check_request(self, params: dict[str, str]) -> None:
        """Refuse an authorization request that must not be redirected back (wrong client or redirect URI)."""
        if params.get("client_id") != self.settings.client_id:
            raise OAuthError("invalid_client", "Ukjent klient.")
        if params.get("redirect_uri") != self.settings.redirect_uri:
            raise OAuthError("invalid_request", "Ugyldig redirect_uri for klienten.")

    def redirect_error(self, params: dict[str, str]) -> str | None:
        """A redirectable error in an otherwise well-addressed request, as an OAuth error code + text."""
        if params.get("response_type") != "code":
            return "unsupported_response_type"
        if "openid" not in params.get("scope", "").split():
            return "invalid_scope"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "invalid_request"  # PKCE S256 is required
        return None

    def start_session(self, params: dict[str, str], person_id: str) -> str:
        """Record the login and return the authorization code."""
        with self.platform.database.session() as session:
            person = session.get(m.PersonRow, person_id)
            if person is None or not person.active or not self.may_log_in(person.municipality_id):
                raise OAuthError("access_denied", "Denne personen kan ikke logge inn her.")
            claims_for(session, self.platform, person_id)  # refuses children under the age limit
            code = secrets.token_urlsafe(32)
            now = _now()
            session.add(
                RealmSessionRow(
                    id=new_id(),
                    realm=self.settings.realm,
                    person_id=person_id,
                    client_id=params["client_id"],
                    code_hash=_sha256(code),
                    code_challenge=params["code_challenge"],
                    redirect_uri=params["redirect_uri"],
                    nonce=params.get("nonce") or None,
                    scope=params.get("scope", "openid"),
                    code_expires_at=now + dt.timedelta(seconds=CODE_LIFETIME),
                    created_at=now,
                )
            )
            session.commit()
        return code

    def redeem_code(self, form: dict[str, str]) -> dict[str, Any]:
        code, verifier = form.get("code") or "", form.get("code_verifier") or ""
        with self.platform.database.session() as session, session.begin():
            row = session.scalar(
                select(RealmSessionRow).where(RealmSessionRow.code_hash == _sha256(code)).with_for_update()
            )
            if row is None or row.ended_at is not None or row.code_expires_at < _now():
                raise OAuthError("invalid_grant", "Koden er ugyldig, brukt eller utløpt.")
            row.code_hash = None  # single use, whatever happens next
            if form.get("client_id") != row.client_id or form.get("redirect_uri") != row.redirect_uri:
                raise OAuthError("invalid_grant", "Koden ble utstedt til en annen klient eller redirect_uri.")
            if not verifier or not secrets.compare_digest(_s256(verifier), row.code_challenge):
                raise OAuthError("invalid_grant", "PKCE-kontrollen feilet (code_verifier).")
        return self.token_response(row, with_id_token=True)

    def session_of(self, refresh_token: str) -> RealmSessionRow:
        try:
            claims = self.validator._openid.decode_token(
                refresh_token,
                key=self.public_keys,
                check_claims={"iss": self.issuer, "aud": self.issuer, "exp": None, "typ": "Refresh"},
                leeway=self.settings.leeway,
                algs=["RS256"],
                expected_type="JWS",
            )
        except Exception:
            raise OAuthError("invalid_grant", "Refresh-tokenet er ugyldig eller utløpt.") from None
        with self.platform.database.session() as session:
            row = session.get(RealmSessionRow, claims.get("sid"))
        if row is None or row.ended_at is not None:
            raise OAuthError("invalid_grant", "Innloggingen er avsluttet.")
        return row

    def refresh(self, form: dict[str, str]) -> dict[str, Any]:
        row = self.session_of(form.get("refresh_token") or "")
        if form.get("client_id") != row.client_id:
            raise OAuthError("invalid_grant", "Refresh-tokenet ble utstedt til en annen klient.")
        return self.token_response(row, with_id_token="openid" in row.scope.split())

    def end_session(self, session_id: str | None) -> None:
        if not session_id:
            return
        with self.platform.database.session() as session, session.begin():
            row = session.get(RealmSessionRow, session_id)
            if row is not None and row.ended_at is None:
                row.ended_at = _now()

    # --- the login page ----------------------------------------------------------------------------

    def personas(self) -> list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]]:
        """Per fictional municipality: (heading, [(group heading, [(person id, label)])])."""
        today = dt.date.today()
        out = []
        with self.platform.database.session() as session:
            for mconf in self.platform.config.municipalities:
                if not mconf.allow_synthetic_national_ids:
                    continue
                mid, groups = mconf.id, []
                people = m.PersonRow
                for unit in mconf.units:
                    rows = session.execute(
                        select(people.id, people.given_name, people.family_name, m.UnitMembershipRow.role)
                        .join(m.UnitMembershipRow, m.UnitMembershipRow.person_id == people.id)
                        .where(m.UnitMembershipRow.unit_id == unit.id, people.active)
                        .order_by(m.UnitMembershipRow.role.desc(), people.family_name, people.given_name)
                        .limit(PERSONAS_PER_LIST)
                    ).all()
                    role_text = {"unit_leader": "enhetsleder", "employee": "ansatt"}
                    if rows:
                        groups.append(
                            (
                                unit.name,
                                [
                                    (r.id, f"{r.given_name} {r.family_name} – {role_text[r.role]}")
                                    for r in rows
                                ],
                            )
                        )
                municipal = session.execute(
                    select(people.id, people.given_name, people.family_name, m.MunicipalRoleRow.role)
                    .join(m.MunicipalRoleRow, m.MunicipalRoleRow.person_id == people.id)
                    .where(people.municipality_id == mid, people.active)
                    .order_by(m.MunicipalRoleRow.role, people.family_name)
                    .limit(PERSONAS_PER_LIST)
                ).all()
                role_text = {
                    "coordinator": "BTI-koordinator",
                    "administrator": "administrator",
                    "auditor": "revisor",
                }
                if municipal:
                    groups.append(
                        (
                            "Kommunale roller",
                            [
                                (r.id, f"{r.given_name} {r.family_name} – {role_text[r.role]}")
                                for r in municipal
                            ],
                        )
                    )
                # guardians whose child has a case come first, so a demo visitor finds a Min side with content
                with_case = (
                    select(m.GuardianshipRow.guardian_id)
                    .join(m.CaseRow, m.CaseRow.subject_id == m.GuardianshipRow.child_id)
                    .where(m.GuardianshipRow.parental_responsibility.is_(True))
                )
                has_case = people.id.in_(with_case)
                guardians = session.execute(
                    select(people.id, people.given_name, people.family_name, has_case.label("has_case"))
                    .where(
                        people.municipality_id == mid, people.kind == str(PersonKind.GUARDIAN), people.active
                    )
                    .order_by(has_case.desc(), people.family_name, people.given_name)
                    .limit(PERSONAS_PER_LIST)
                ).all()
                if guardians:
                    label = " – barnet har en sak"
                    groups.append(
                        (
                            "Foresatte",
                            [
                                (r.id, f"{r.given_name} {r.family_name}{label if r.has_case else ''}")
                                for r in guardians
                            ],
                        )
                    )
                limit = youth_age(self.platform, mid)
                born_before = today.replace(year=today.year - limit)
                youth = session.execute(
                    select(people.id, people.given_name, people.family_name, people.birth_date)
                    .where(
                        people.municipality_id == mid,
                        people.kind == str(PersonKind.CHILD),
                        people.active,
                        people.birth_date <= born_before,
                    )
                    .order_by(people.family_name, people.given_name)
                    .limit(PERSONAS_PER_LIST)
                ).all()
                if youth:
                    groups.append(
                        (
                            f"Ungdom fra {limit} år",
                            [
                                (r.id, f"{r.given_name} {r.family_name} ({_age(r.birth_date, today)} år)")
                                for r in youth
                            ],
                        )
                    )
                count = (
                    session.scalar(select(func.count(people.id)).where(people.municipality_id == mid)) or 0
                )
                if count:
                    out.append((f"{mconf.name} ({mid})", groups))
        return out


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


AUTH_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)

PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logg inn – Stafett</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}}
h1{{font-size:1.6rem}} h2{{margin-top:2rem;border-bottom:1px solid #ccc}}
h3{{font-size:1rem;margin:1rem 0 .3rem}}
.personas{{display:flex;flex-wrap:wrap;gap:.4rem}}
button{{font:inherit;padding:.4rem .7rem;border:1px solid #2a5a8a;border-radius:.3rem;
background:#f2f7fc;cursor:pointer}}
button:hover,button:focus{{background:#2a5a8a;color:#fff}} .note{{color:#555}}
</style></head><body>
<h1>Logg inn i Stafett</h1>
<p class="note">Dette er den innebygde demo-innloggingen. Alle personene er oppdiktet. Velg hvem du vil
logge inn som; i en ekte kommune logger du inn med ID-porten eller kommunens egen pålogging.</p>
{error}
<form method="post" action="{action}">
{hidden}
{sections}
</form>
</body></html>"""


def render_login(realm: LocalRealm, params: dict[str, str], error: str = "") -> str:
    esc = html.escape
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{esc(params.get(name, ""))}">' for name in AUTH_PARAMS
    )
    sections = []
    for heading, groups in realm.personas():
        parts = [f"<h2>{esc(heading)}</h2>"]
        for group, people in groups:
            buttons = "".join(
                f'<button type="submit" name="person" value="{esc(pid)}">{esc(label)}</button>'
                for pid, label in people
            )
            parts.append(f'<h3>{esc(group)}</h3><div class="personas">{buttons}</div>')
        sections.append("\n".join(parts))
    if not sections:
        sections.append("<p>Det finnes ingen demopersoner ennå. Kjør <code>stafett demo seed</code>.</p>")
    return PAGE.format(
        action=esc(realm.endpoint("auth")),
        hidden=hidden,
        sections="\n".join(sections),
        error=f'<p role="alert"><strong>{esc(error)}</strong></p>' if error else "",
    )


def _error_page(message: str, status: int) -> Response[str]:
    body = (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        "<title>Innlogging – Stafett</title></head>"
        f"<body><h1>Innloggingen kan ikke fullføres</h1><p>{html.escape(message)}</p></body></html>"
    )
    return Response(body, status_code=status, media_type="text/html; charset=utf-8")


def _redirect_with(uri: str, **params: str | None) -> Redirect:
    query = urlencode({k: v for k, v in params.items() if v})
    return Redirect(f"{uri}{'&' if '?' in uri else '?'}{query}", status_code=302)


def realm_router(realm: LocalRealm) -> Router:
    """The realm's endpoints under ``/realms/{realm}``."""
    prefix = f"/realms/{realm.settings.realm}"
    oidc = f"{prefix}/protocol/openid-connect"

    @get(f"{prefix}/.well-known/openid-configuration", sync_to_thread=False, include_in_schema=False)
    def well_known() -> dict[str, Any]:
        return {
            "issuer": realm.issuer,
            "authorization_endpoint": realm.endpoint("auth"),
            "token_endpoint": realm.endpoint("token"),
            "userinfo_endpoint": realm.endpoint("userinfo"),
            "end_session_endpoint": realm.endpoint("logout"),
            "jwks_uri": realm.endpoint("certs"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": [
                "sub",
                "name",
                "preferred_username",
                "municipality",
                "stafett_person",
                "groups",
            ],
        }

    @get(f"{oidc}/certs", sync_to_thread=False, include_in_schema=False)
    def certs() -> dict[str, Any]:
        return realm.public_keys.export(private_keys=False, as_dict=True)

    @get(f"{oidc}/auth", sync_to_thread=True, include_in_schema=False)
    def authorize(request: Request) -> Response[str] | Redirect:
        params = {name: request.query_params.get(name, "") for name in AUTH_PARAMS}
        try:
            realm.check_request(params)
        except OAuthError as exc:
            return _error_page(exc.description, 400)
        if error := realm.redirect_error(params):
            return _redirect_with(
                params["redirect_uri"], error=error, state=params["state"], iss=realm.issuer
            )
        return Response(
            render_login(realm, params),
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-store"},
        )

    @post(f"{oidc}/auth", include_in_schema=False, status_code=302)
    async def choose(request: Request) -> Response[str] | Redirect:
        form = dict(await request.form())
        params = {name: str(form.get(name, "")) for name in AUTH_PARAMS}
        try:
            realm.check_request(params)
        except OAuthError as exc:
            return _error_page(exc.description, 400)
        if error := realm.redirect_error(params):
            return _redirect_with(
                params["redirect_uri"], error=error, state=params["state"], iss=realm.issuer
            )
        try:
            code = await to_thread.run_sync(realm.start_session, params, str(form.get("person", "")))
        except (OAuthError, IdentityError) as exc:
            message = exc.description if isinstance(exc, OAuthError) else exc.detail
            return Response(
                render_login(realm, params, message), status_code=400, media_type="text/html; charset=utf-8"
            )
        return _redirect_with(params["redirect_uri"], code=code, state=params["state"], iss=realm.issuer)

    @post(f"{oidc}/token", include_in_schema=False, status_code=200)
    async def token(request: Request) -> Response[dict[str, Any]]:
        form = {k: str(v) for k, v in (await request.form()).items()}
        basic = request.headers.get("authorization", "")
        if "client_id" not in form and basic.lower().startswith("basic "):
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                form["client_id"] = base64.b64decode(basic[6:]).decode().split(":", 1)[0]
        try:
            if form.get("client_id") != realm.settings.client_id:
                raise OAuthError("invalid_client", "Ukjent klient.", 401)
            grant = form.get("grant_type")
            if grant == "authorization_code":
                body = await to_thread.run_sync(realm.redeem_code, form)
            elif grant == "refresh_token":
                body = await to_thread.run_sync(realm.refresh, form)
            else:
                raise OAuthError("unsupported_grant_type", f"Støtter ikke grant_type «{grant}».")
        except OAuthError as exc:
            return exc.response()
        except IdentityError as exc:
            return OAuthError("invalid_grant", exc.detail).response()
        return Response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @route(f"{oidc}/userinfo", http_method=["GET", "POST"], include_in_schema=False)
    async def userinfo(request: Request) -> Response[dict[str, Any]]:
        header = request.headers.get("authorization", "")
        try:
            if not header.lower().startswith("bearer "):
                raise InvalidToken("Mangler tilgangstoken.")
            claims = await realm.validator.validate(header[7:].strip())
        except InvalidToken as exc:
            text = ascii_text(exc.description)
            return Response(
                {"error": "invalid_token", "error_description": exc.description},
                status_code=401,
                headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{text}"'},
            )
        keep = (
            "sub",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "municipality",
            "stafett_person",
        )
        return Response({k: claims[k] for k in keep if k in claims})

    @route(f"{oidc}/logout", http_method=["GET", "POST"], include_in_schema=False, status_code=200)
    async def logout(request: Request) -> Response[Any]:
        values = dict(request.query_params)
        if request.method == "POST":
            values.update({k: str(v) for k, v in (await request.form()).items()})
        if refresh := values.get("refresh_token"):
            try:
                await to_thread.run_sync(lambda: realm.end_session(realm.session_of(refresh).id))
            except OAuthError as exc:
                return exc.response()
            return Response(None, status_code=204)
        if hint := values.get("id_token_hint"):
            try:
                claims = realm.validator._openid.decode_token(
                    hint,
                    key=realm.public_keys,
                    check_claims={"iss": realm.issuer},
                    algs=["RS256"],
                    expected_type="JWS",
                )
                await to_thread.run_sync(realm.end_session, claims.get("sid"))
            except Exception:
                return _error_page("Ugyldig id_token_hint.", 400)
        target = values.get("post_logout_redirect_uri", "")
        if target and (
            target == realm.settings.public_url or target.startswith(realm.settings.public_url + "/")
        ):
            return Redirect(target, status_code=302)
        return Response(
            '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
            "<title>Logget ut – Stafett</title></head>"
            '<body><h1>Du er logget ut</h1><p><a href="/login">Logg inn igjen</a></p></body></html>',
            status_code=200,
            media_type="text/html; charset=utf-8",
        )

    return Router(path="/", route_handlers=[well_known, certs, authorize, choose, token, userinfo, logout])
