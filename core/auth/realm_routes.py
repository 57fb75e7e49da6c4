"""The local realm's HTTP endpoints under ``/realms/{realm}``, in Keycloak's URL layout: discovery,
keys, the authorization endpoint (the persona page), token, userinfo and logout."""

from __future__ import annotations

import base64
import contextlib
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from litestar import Request, Response, Router, get, post, route
from litestar.response import Redirect

from core.auth.identity import IdentityError
from core.auth.persona_login import render_login, render_notice
from core.auth.problems import ascii_text
from core.auth.realm import AUTH_PARAMS, LocalRealm, OAuthError
from core.auth.validation import InvalidToken
from core.i18n import _

HTML = "text/html; charset=utf-8"


def _error_page(message: str, status: int) -> Response[str]:
    body = render_notice(_("Innlogging"), _("Innloggingen kan ikke fullføres"), message)
    return Response(body, status_code=status, media_type=HTML)


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

    def not_acceptable(params: dict[str, str]) -> Response[str] | Redirect | None:
        """An authorization request the realm will not take: a page when it cannot safely redirect
        back (unknown client or address), else the error sent back to the client; None if it is fine."""
        try:
            realm.check_request(params)
        except OAuthError as exc:
            return _error_page(exc.description, 400)
        if error := realm.redirect_error(params):
            return _redirect_with(
                params["redirect_uri"], error=error, state=params["state"], iss=realm.issuer
            )
        return None

    @get(f"{oidc}/auth", sync_to_thread=True, include_in_schema=False)
    def authorize(request: Request) -> Response[str] | Redirect:
        params = {name: request.query_params.get(name, "") for name in AUTH_PARAMS}
        if (refused := not_acceptable(params)) is not None:
            return refused
        return Response(
            render_login(realm, params),
            media_type=HTML,
            headers={"Cache-Control": "no-store"},
        )

    @post(f"{oidc}/auth", include_in_schema=False, status_code=302)
    async def choose(request: Request) -> Response[str] | Redirect:
        form = dict(await request.form())
        params = {name: str(form.get(name, "")) for name in AUTH_PARAMS}
        if (refused := not_acceptable(params)) is not None:
            return refused
        try:
            code = await to_thread.run_sync(realm.start_session, params, str(form.get("person", "")))
        except (OAuthError, IdentityError) as exc:
            message = exc.description if isinstance(exc, OAuthError) else exc.detail
            return Response(render_login(realm, params, message), status_code=400, media_type=HTML)
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
                return _error_page(_("Ugyldig id_token_hint."), 400)
        target = values.get("post_logout_redirect_uri", "")
        if target and (
            target == realm.settings.public_url or target.startswith(realm.settings.public_url + "/")
        ):
            return Redirect(target, status_code=302)
        return Response(
            render_notice(_("Logget ut"), _("Du er logget ut"), link=("/login", _("Logg inn igjen"))),
            status_code=200,
            media_type=HTML,
        )

    return Router(path="/", route_handlers=[well_known, certs, authorize, choose, token, userinfo, logout])
