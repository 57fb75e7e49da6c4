"""The identity layer of one app, as its parts (login, ``/me``, the middleware) share it."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import Cookie

from core.auth import keys
from core.auth.realm import LocalRealm
from core.auth.session import SESSION_COOKIE, Signer
from core.auth.settings import AuthSettings
from core.auth.validation import InvalidToken, TokenValidator
from core.i18n import _
from core.platform import Platform

DEFAULT_SESSION_AGE = 8 * 3600


class Auth:
    """The identity layer of one app: settings, token validator, session signer, the local realm if any."""

    def __init__(self, platform: Platform, *, public_url: str | None = None) -> None:
        self.platform = platform
        self.settings = AuthSettings.from_config(platform.config.auth, public_url)
        self.realm = LocalRealm(platform, self.settings) if self.settings.kind == "local" else None
        self.validator = self.realm.validator if self.realm else TokenValidator(self.settings)
        secure = self.settings.public_url.startswith("https://")
        self.signer = Signer(keys.session_secret(platform.database), secure=secure)

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        """New tokens for a browser session; InvalidToken when the realm has ended it."""
        try:
            async with self.settings.client() as openid:
                return await openid.a_refresh_token(refresh_token)
        except Exception:
            raise InvalidToken(_("Innloggingen er utløpt; logg inn igjen.")) from None

    def session_cookie(self, tokens: dict[str, Any]) -> Cookie:
        age = int(tokens.get("refresh_expires_in") or 0) or DEFAULT_SESSION_AGE
        data = {"at": tokens["access_token"], "rt": tokens.get("refresh_token")}
        return self.signer.cookie(SESSION_COOKIE, data, age)
