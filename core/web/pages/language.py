"""The choice of written form at the foot of every page (docs/languages.md)."""

from __future__ import annotations

from anyio import to_thread
from litestar import Request, Response, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from core import i18n
from core.domain.policy import Actor
from core.errors import InvalidInput
from core.web.language import COOKIE, FIELD
from core.web.pages.shared import _one, _posted


def _back(target: str) -> str:
    """Where the choice returns to: a path on this site only (never an address elsewhere)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@post("/maalform")
async def choose_language(request: Request) -> Response:
    """«Bokmål / Nynorsk» at the foot of every page: saved on the person (if logged in) and in a cookie."""
    form = await _posted(request)
    locale = i18n.valid(_one(form, FIELD))
    if locale is None:
        raise InvalidInput(i18n.gettext("Velg bokmål eller nynorsk."), field=FIELD)
    who = request.scope.get("user")
    if isinstance(who, Actor) and who.id is not None:
        platform = request.app.state.platform  # the real person, also while practising

        def save() -> None:
            with platform.work(who, "people.choose_language via web") as w:
                w.people.choose_language(locale)

        await to_thread.run_sync(save)
    response = Redirect(_back(_one(form, "next", "/")), status_code=303)
    response.cookies.append(
        Cookie(
            key=COOKIE,
            value=locale,
            path="/",
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    )
    return response
