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
from typing import Any

from jwcrypto import jwk
from jwcrypto.common import JWException
from jwcrypto.jwt import JWTExpired, JWTInvalidClaimValue, JWTMissingClaim, JWTNotYetValid

from core.auth.settings import AuthSettings

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]
REFETCH_AFTER = 30.0


class InvalidToken(Exception):
    """The token cannot be trusted; ``description`` (bokmål) goes into WWW-Authenticate and the problem."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _header(token: str) -> dict[str, Any]:
    try:
        head = token.split(".", 1)[0]
        return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise InvalidToken("Tokenet er ikke et gyldig JWT.") from None


class TokenValidator:
    def __init__(self, settings: AuthSettings, local_keys: jwk.JWKSet | None = None) -> None:
        self.settings = settings
        self._openid = settings.validation_client()
        self._local = local_keys
        self._keys: jwk.JWKSet | None = None
        self._fetched = 0.0

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
                    f"Kan ikke hente nøklene til identitetstjenesten ({type(exc).__name__})."
                ) from None
        if self._keys is None:
            raise InvalidToken("Identitetstjenestens nøkler er ikke tilgjengelige.")
        return self._keys

    async def validate(
        self, token: str, *, audience: str | None = None, nonce: str | None = None
    ) -> dict[str, Any]:
        """The claims of a valid token for ``audience`` (default: our client id); raises InvalidToken."""
        if not token or token.count(".") != 2:
            raise InvalidToken("Tokenet er ikke et gyldig JWT.")
        keys = await self._key_set(_header(token).get("kid"))
        expected = audience or self.settings.client_id
        try:
            claims = self._openid.decode_token(
                token,
                key=keys,
                check_claims={"iss": self.settings.issuer, "aud": expected, "exp": None},
                leeway=self.settings.leeway,
                algs=ALGORITHMS,
                expected_type="JWS",
            )
        except JWTExpired:
            raise InvalidToken("Tokenet er utløpt.") from None
        except JWTNotYetValid:
            raise InvalidToken("Tokenet er ikke gyldig ennå.") from None
        except (JWTInvalidClaimValue, JWTMissingClaim) as exc:
            text = str(exc)
            if "'aud'" in text or "Claim aud " in text:
                raise InvalidToken("Tokenet er ikke utstedt for Stafett (feil audience).") from None
            if "'iss'" in text or "Claim iss " in text:
                raise InvalidToken(
                    "Tokenet er utstedt av en annen identitetstjeneste (feil issuer)."
                ) from None
            raise InvalidToken(f"Tokenet mangler eller har ugyldig innhold ({text}).") from None
        except (JWException, ValueError, TypeError, KeyError):
            raise InvalidToken("Tokenets signatur kan ikke bekreftes.") from None
        if nonce is not None and claims.get("nonce") != nonce:
            raise InvalidToken("ID-tokenet hører ikke til denne innloggingen (nonce).")
        if claims.get("typ") not in (None, "Bearer", "ID"):
            raise InvalidToken("Dette er ikke et tilgangstoken.")
        return claims
