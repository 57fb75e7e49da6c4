"""The built-in local realm: an OpenID provider in Keycloak's URL layout, for the embedded default.

It serves ``/realms/{realm}/.well-known/openid-configuration`` and ``/protocol/openid-connect/
{auth,token,certs,userinfo,logout}`` with the token shape of a Keycloak realm imported from
configs/keycloak/stafett-realm.json, so the app's python-keycloak code cannot tell the two apart.
Instead of a password form the login page lists the people of the deployment's fictional
municipalities (those that allow synthetic fødselsnumre); choosing one completes the login.
A real municipality's people can therefore never be impersonated here: production uses Keycloak.
This module holds the realm's keys, tokens and login sessions; ``core.auth.persona_login`` the persona
page, ``core.auth.realm_routes`` the HTTP endpoints.

Authorization codes are single-use, live 60 seconds and require PKCE S256. Refresh tokens are
signed JWTs naming a login session in the database, so logout ends them in every app process.
Timestamps in tokens are wall-clock time: validators (jwcrypto) check them against wall-clock time.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import time
import uuid
from typing import Any

from jwcrypto import jwk, jwt
from litestar import Response
from sqlalchemy import select

from core.auth import keys
from core.auth.identity import claims_for
from core.auth.settings import AuthSettings
from core.auth.validation import TokenValidator
from core.i18n import _
from core.ids import new_id
from core.platform import Platform
from core.storage import models as m
from core.storage.auth_models import RealmSessionRow

ACCESS_LIFETIME = 300  # seconds, Keycloak's default
SESSION_LIFETIME = 1800  # seconds a refresh token (and the login session) lasts
CODE_LIFETIME = 60


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
            raise OAuthError("invalid_client", _("Ukjent klient."))
        if params.get("redirect_uri") != self.settings.redirect_uri:
            raise OAuthError("invalid_request", _("Ugyldig redirect_uri for klienten."))

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
                raise OAuthError("access_denied", _("Denne personen kan ikke logge inn her."))
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
