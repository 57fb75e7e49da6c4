"""Bearer-token validation through python-keycloak: the same code path in demo, tests and production.

``KeycloakOpenID.decode_token`` checks the RS256 signature against the realm's JWKS, then expiry,
issuer and audience (jwcrypto's ``check_claims``). For Keycloak the JWKS is fetched once from
``/protocol/openid-connect/certs`` and fetched again when a token names a key id we do not know
(key rotation), at most every 30 seconds so forged key ids cannot make us hammer Keycloak.

For the built-in local realm the public key is handed to ``decode_token`` directly instead of an
HTTP call from the app to itself: the realm lives in this process and its key in this database,
so a self-call would add latency and a deadlock risk (a one-worker server waiting on itself)
without checking anything more. Everything after the key, the claim checks, is the same path.
"""

from __future__ import annotations

import base64
import json
import time
from collections import OrderedDict
from typing import Any

from jwcrypto import jwk
from jwcrypto.common import JWException
from jwcrypto.jwt import JWTExpired, JWTInvalidClaimValue, JWTMissingClaim, JWTNotYetValid

from core.auth.settings import AuthSettings
from core.i18n import _

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]
REFETCH_AFTER = 30.0


class InvalidToken(Exception):
    """The token cannot be trusted; ``description`` (the request's written form) goes into the problem, in
    ASCII into WWW-Authenticate."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _header(token: str) -> dict[str, Any]:
    try:
        head = token.split(".", 1)[0]
        return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise InvalidToken(_("Tokenet er ikke et gyldig JWT.")) from None


class TokenValidator:
    def __init__(self, settings: AuthSettings, local_keys: jwk.JWKSet | None = None) -> None:
        self.settings = settings
        self._openid = settings.validation_client()
        self._local = local_keys
        self._keys: jwk.JWKSet | None = None
        self._fetched = 0.0
        self._valid: OrderedDict[str, dict[str, Any]] = OrderedDict()  # token -> claims, newest last

    async def _key_set(self, kid: str | None) -> jwk.JWKSet:
        if self._local is not None:
            return self._local
        known = self._keys is not None and (kid is None or self._keys.get_key(kid) is not None)
        if not known and time.monotonic() - self._fetched > REFETCH_AFTER:
            self._fetched = time.monotonic()
            try:
                async with self.settings.client() as openid:
                    certs = await openid.a_certs()
                self._keys = jwk.JWKSet()
                for key in certs.get("keys", []):
                    if key.get("use", "sig") == "sig":
                        self._keys.add(jwk.JWK(**key))
            except Exception as exc:  # the provider is down or answers nonsense: no token can be checked
                self._fetched = 0.0
                raise InvalidToken(
                    _("Kan ikke hente nøklene til identitetstjenesten ({error}).").format(
                        error=type(exc).__name__
                    )
                ) from None
        if self._keys is None:
            raise InvalidToken(_("Identitetstjenestens nøkler er ikke tilgjengelige."))
        return self._keys

    async def validate(self, token: str) -> dict[str, Any]:
        """The claims of a valid **access token** for Stafett; raises InvalidToken.

        Only this authenticates an API or page request. An ID token (or a refresh or logout token)
        with a good signature, issuer and audience is still refused: see ``_access_token_only``.
        """
        known = self._valid.get(token)
        if known is not None:
            if known["exp"] + self.settings.leeway > time.time():
                self._valid.move_to_end(token)
                return known
            del self._valid[token]
        claims = await self._decode(token)
        _access_token_only(_header(token), claims, self.settings.client_id)
        self._remember(token, claims)
        return claims

    def _remember(self, token: str, claims: dict[str, Any]) -> None:
        """Keep a checked token for its lifetime, so its signature is verified once per process, not
        once per request. A token's content cannot change; its expiry is still checked on every use,
        and who the person is now (accounts, units, consent) is read afresh for every request."""
        if isinstance(claims.get("exp"), int | float):
            self._valid[token] = claims
            if len(self._valid) > VALID_TOKENS_KEPT:
                self._valid.popitem(last=False)

    async def validate_id_token(self, token: str, *, nonce: str) -> dict[str, Any]:
        """The claims of the login's ID token (OpenID Connect Core 3.1.3.7); used by /auth/callback
        only, to check the login it belongs to, never to authenticate a request."""
        claims = await self._decode(token)
        if claims.get("typ") not in (None, "ID"):
            raise InvalidToken(_("Dette er ikke et ID-token."))
        azp = claims.get("azp")
        if azp is not None and azp != self.settings.client_id:
            raise InvalidToken(_("ID-tokenet er utstedt til en annen klient (azp)."))
        if claims.get("nonce") != nonce:
            raise InvalidToken(_("ID-tokenet hører ikke til denne innloggingen (nonce)."))
        return claims

    async def _decode(self, token: str) -> dict[str, Any]:
        """Signature, issuer, audience (our client id among ``aud``, a string or a list) and expiry."""
        if not token or token.count(".") != 2:
            raise InvalidToken(_("Tokenet er ikke et gyldig JWT."))
        keys = await self._key_set(_header(token).get("kid"))
        try:
            return self._openid.decode_token(
                token,
                key=keys,
                check_claims={"iss": self.settings.issuer, "aud": self.settings.client_id, "exp": None},
                leeway=self.settings.leeway,
                algs=ALGORITHMS,
                expected_type="JWS",
            )
        except JWTExpired:
            raise InvalidToken(_("Tokenet er utløpt.")) from None
        except JWTNotYetValid:
            raise InvalidToken(_("Tokenet er ikke gyldig ennå.")) from None
        except (JWTInvalidClaimValue, JWTMissingClaim) as exc:
            text = str(exc)
            if "'aud'" in text or "Claim aud " in text:
                raise InvalidToken(_("Tokenet er ikke utstedt for Stafett (feil audience).")) from None
            if "'iss'" in text or "Claim iss " in text:
                raise InvalidToken(
                    _("Tokenet er utstedt av en annen identitetstjeneste (feil issuer).")
                ) from None
            raise InvalidToken(
                _("Tokenet mangler eller har ugyldig innhold ({error}).").format(error=text)
            ) from None
        except (JWException, ValueError, TypeError, KeyError):
            raise InvalidToken(_("Tokenets signatur kan ikke bekreftes.")) from None


VALID_TOKENS_KEPT = 10_000  # checked access tokens remembered per process (the least recently used go)
ACCESS_TOKEN_MEDIA_TYPES = frozenset({"at+jwt", "application/at+jwt"})


def _access_token_only(header: dict[str, Any], claims: dict[str, Any], client_id: str) -> None:
    """Refuse whatever is not an access token issued to our client.

    The type: Keycloak marks its access tokens with the claim ``typ: "Bearer"`` (ID tokens ``"ID"``,
    refresh tokens ``"Refresh"``) and its adapters refuse any other type; a provider following
    RFC 9068 (npm oidc-provider, among others) marks them with the JOSE header ``typ: "at+jwt"``
    instead and has no ``typ`` claim. A token with neither mark is refused: an OpenID Connect ID token
    from such a provider carries our client id as ``aud`` too, so the audience alone cannot tell.
    The client: the authorized party (Keycloak's ``azp``, RFC 9068's ``client_id``) must be our
    client when the token names one, so a token another client of the realm obtained for itself is
    not taken for ours just because an audience mapper also put "stafett" in ``aud``.
    """
    kind = claims.get("typ")
    if kind is not None:
        if kind != "Bearer":
            if kind == "ID":
                raise InvalidToken(_("Dette er et ID-token; bruk tilgangstokenet (access_token)."))
            raise InvalidToken(_("Dette er ikke et tilgangstoken."))
    elif str(header.get("typ", "")).lower() not in ACCESS_TOKEN_MEDIA_TYPES:
        raise InvalidToken(_("Dette er ikke et tilgangstoken; bruk tilgangstokenet (access_token)."))
    for name in ("azp", "client_id"):
        party = claims.get(name)
        if party is not None and party != client_id:
            raise InvalidToken(_("Tokenet er utstedt til en annen klient ({claim}).").format(claim=name))
