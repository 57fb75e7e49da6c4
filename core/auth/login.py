"""Browser login: authorization code with PKCE against the configured realm, through python-keycloak.

``/login?next=/x`` sends the browser to the realm with state, nonce and an S256 challenge kept in a
signed, short-lived cookie; ``/auth/callback`` exchanges the code with ``KeycloakOpenID.a_token``,
validates the access and ID tokens, checks the person, stores the session cookie and returns to
``next``; ``/logout`` ends the realm session (refresh-token logout) and clears the cookie.
The same code runs against the local realm and against any Keycloak.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
from typing import TYPE_CHECKING

from anyio import to_thread
from keycloak.exceptions import KeycloakError
from litestar import Request, Response, Router, get, route
from litestar.response import Redirect

from core import i18n
from core.auth.identity import IdentityError, actor_from_claims
from core.auth.session import LOGIN_COOKIE, SESSION_COOKIE
from core.auth.validation import InvalidToken

if TYPE_CHECKING:
    from core.auth.context import Auth

LOGIN_STATE_AGE = 600


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative //."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _page(title: str, message: str, status: int) -> Response[str]:
    body = (
        f'<!doctype html><html lang="{i18n.current()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} – Stafett</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
        f'<p><a href="/login">{html.escape(i18n.gettext("Prøv å logge inn igjen"))}</a></p></body></html>'
    )
    return Response(body, status_code=status, media_type="text/html; charset=utf-8")


def login_router(auth: Auth) -> Router:
    @get("/login", include_in_schema=False)
    async def login(request: Request) -> Redirect | Response[str]:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        try:
            async with auth.settings.client() as openid:
                url = await openid.a_auth_url(
                    redirect_uri=auth.settings.redirect_uri,
                    scope="openid",
                    state=state,
                    nonce=nonce,
                    code_challenge=challenge,
                    code_challenge_method="S256",
                )
        except Exception:
            return _page(
                i18n.gettext("Innloggingen er ikke tilgjengelig"),
                i18n.gettext("Identitetstjenesten svarer ikke. Prøv igjen senere."),
                503,
            )
        target = safe_next(request.query_params.get("next"))
        data = {"state": state, "nonce": nonce, "verifier": verifier, "next": target}
        response = Redirect(url, status_code=302)
        response.cookies.append(
            auth.signer.cookie(LOGIN_COOKIE, data, LOGIN_STATE_AGE, path="/auth/callback")
        )
        return response

    @get("/auth/callback", include_in_schema=False)
    async def callback(request: Request) -> Redirect | Response[str]:
        started = auth.signer.loads(request.cookies.get(LOGIN_COOKIE))
        query = request.query_params
        if started is None or not secrets.compare_digest(str(query.get("state", "")), started["state"]):
            return _page(
                i18n.gettext("Innloggingen kan ikke fullføres"),
                i18n.gettext("Innloggingen er utløpt eller ble startet et annet sted."),
                400,
            )
        if error := query.get("error"):
            return _page(
                i18n.gettext("Innloggingen ble avbrutt"),
                i18n.gettext("Identitetstjenesten svarte: {error}.").format(error=error),
                400,
            )
        try:
            async with auth.settings.client() as openid:
                tokens = await openid.a_token(
                    grant_type="authorization_code",
                    code=str(query.get("code", "")),
                    redirect_uri=auth.settings.redirect_uri,
                    code_verifier=started["verifier"],
                )
            claims = await auth.validator.validate(tokens["access_token"])
            if tokens.get("id_token"):
                await auth.validator.validate_id_token(tokens["id_token"], nonce=started["nonce"])
            await to_thread.run_sync(actor_from_claims, claims, auth.platform)
        except (KeycloakError, KeyError):
            return _page(
                i18n.gettext("Innloggingen kan ikke fullføres"),
                i18n.gettext("Koden fra identitetstjenesten ble ikke godtatt."),
                400,
            )
        except InvalidToken as exc:
            return _page(i18n.gettext("Innloggingen kan ikke fullføres"), exc.description, 400)
        except IdentityError as exc:
            return _page(i18n.gettext("Ingen tilgang til Stafett"), exc.detail, 403)
        response = Redirect(started["next"], status_code=302)
        response.cookies.append(auth.signer.cookie(LOGIN_COOKIE, None, 0, path="/auth/callback"))
        response.cookies.append(auth.session_cookie(tokens))
        return response

    @route("/logout", http_method=["GET", "POST"], include_in_schema=False)
    async def logout(request: Request) -> Response[str]:
        session = auth.signer.loads(request.cookies.get(SESSION_COOKIE))
        if session and session.get("rt"):
            try:
                async with auth.settings.client() as openid:
                    await openid.a_logout(session["rt"])
            except Exception:  # the realm session may be over already; the cookie goes regardless
                pass
        response = _page(i18n.gettext("Du er logget ut"), i18n.gettext("Du er logget ut av Stafett."), 200)
        response.cookies.append(auth.signer.cookie(SESSION_COOKIE, None, 0))
        return response

    return Router(path="/", route_handlers=[login, callback, logout])
