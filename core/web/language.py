"""Which written form a request reads (docs/languages.md); the choice itself is core/web/pages/language.py.

The order: an API client's ``Accept-Language`` (``nb`` or ``nn``), the person's own choice (saved on
them, so their e-mails and PDFs follow it too), the browser's choice before login (a cookie), and the
municipality's målform; bokmål when none says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.datastructures import Headers
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import i18n
from core.auth.session import parse_cookies
from core.domain.policy import Actor

if TYPE_CHECKING:
    from core.platform import Platform

COOKIE = "stafett_maalform"
FIELD = "maalform"
API_PREFIXES = ("/api", "/fhir")


def accepted(header: str | None) -> str | None:
    """The written form an ``Accept-Language`` header prefers, of those Stafett writes (by q, then order)."""
    ranked: list[tuple[float, int, str]] = []
    for place, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        if (locale := i18n.valid("nb" if tag.strip().lower() in ("no", "nb-no") else tag)) and q > 0:
            ranked.append((-q, place, locale))
    return min(ranked)[2] if ranked else None


def municipality_language(platform: Platform, municipality_id: str | None) -> str | None:
    try:
        config = (
            platform.municipality(municipality_id) if municipality_id else platform.config.municipalities[0]
        )
    except (KeyError, IndexError):
        return None
    return config.language


def request_locale(scope: Scope, platform: Platform) -> str:
    headers = Headers.from_scope(scope)
    who = scope.get("user")
    who = who if isinstance(who, Actor) else None
    api = str(scope.get("path", "")).startswith(API_PREFIXES)
    cookie = parse_cookies(headers.get("cookie", "")).get(COOKIE)
    return i18n.choose(
        accepted(headers.get("accept-language")) if api else None,
        who.language if who else None,
        cookie,
        municipality_language(platform, who.municipality_id if who else None),
    )


class LanguageMiddleware:
    """Sets the request's written form for everything under it (pages, problems, e-mails it sends)."""

    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        with i18n.use(request_locale(scope, self.platform)) as locale:
            language = (b"content-language", locale.encode())

            async def send_language(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    if not any(name.lower() == b"content-language" for name, _ in headers):
                        message["headers"] = [*headers, language]
                await send(message)

            await self.app(scope, receive, send_language)
