"""RFC 9457 problem details for authentication failures, with RFC 6750's WWW-Authenticate.

Sent straight from the middleware as ASGI messages: these refusals happen before routing.
"""

from __future__ import annotations

import json

from litestar.types import HTTPResponseStartEvent, Send

from core import i18n
from core.i18n import _

MEDIA_TYPE = "application/problem+json"


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa", "…": "...", "–": "-",
                        "«": "'", "»": "'", '"': "'", "\\": "/"})  # fmt: skip


def ascii_text(text: str) -> str:
    """RFC 6750 allows only printable ASCII (no " or \\) in error_description; the body keeps æ, ø, å."""
    return "".join(c for c in text.translate(_ASCII) if " " <= c <= "~")


async def send_problem(
    send: Send,
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    bearer_error: str | None = None,
    retry_after: int | None = None,
) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code},
        ensure_ascii=False,
    ).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"content-language", i18n.current().encode()),
    ]
    if bearer_error:
        value = f'Bearer realm="stafett", error="{bearer_error}", error_description="{ascii_text(detail)}"'
        headers.append((b"www-authenticate", value.encode()))
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    start: HTTPResponseStartEvent = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def unauthorized(send: Send, detail: str) -> None:
    await send_problem(send, 401, "invalid_token", _("Ikke innlogget"), detail, bearer_error="invalid_token")


async def not_a_user(send: Send, detail: str) -> None:
    await send_problem(
        send, 403, "unknown_user", _("Ingen tilgang til Stafett"), detail, bearer_error="insufficient_scope"
    )
