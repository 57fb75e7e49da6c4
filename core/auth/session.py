"""Signed cookies: the browser session (tokens from the login) and the short-lived login state.

HMAC-SHA256 over the JSON payload with the deployment's session secret (core.auth.keys), with
an expiry inside the signed part. HttpOnly and SameSite=Lax, Secure when the app is on https.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from litestar.datastructures import Cookie

SESSION_COOKIE = "stafett_session"
LOGIN_COOKIE = "stafett_login"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: bytes, *, secure: bool) -> None:
        self._key = hashlib.sha256(b"stafett-cookie\0" + secret).digest()
        self.secure = secure

    def dumps(self, data: dict[str, Any], max_age: int) -> str:
        body = _b64(json.dumps({**data, "_exp": int(time.time()) + max_age}, separators=(",", ":")).encode())
        return f"{body}.{_b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())}"

    def loads(self, value: str | None) -> dict[str, Any] | None:
        """The payload of an intact, unexpired cookie, else None."""
        if not value or value.count(".") != 1:
            return None
        body, signature = value.split(".")
        expected = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(signature, expected):
            return None
        try:
            data = json.loads(_unb64(body))
        except ValueError:
            return None
        if not isinstance(data, dict) or data.pop("_exp", 0) < time.time():
            return None
        return data

    def cookie(self, name: str, data: dict[str, Any] | None, max_age: int, path: str = "/") -> Cookie:
        """A cookie carrying ``data``, or one that deletes the cookie when ``data`` is None."""
        return Cookie(
            key=name,
            value=self.dumps(data, max_age) if data is not None else "",
            max_age=max_age if data is not None else 0,
            path=path,
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )


def parse_cookies(header: str) -> dict[str, str]:
    """A request's ``Cookie`` header as name -> value (the first of a repeated name), for middleware that
    runs before Litestar has parsed the request."""
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out.setdefault(name, value)
    return out
