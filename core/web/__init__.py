"""The web pages: the employees' digital action guide and stafettlogg, and the family's Min side.

``web_router(platform)`` is what the app mounts: the pages (server-rendered Jinja2, plain forms,
Designsystemet styling), our own CSS under ``/static/web`` and Digdir's Designsystemet CSS under
``/static/ds``, served from ``core/web/node_modules`` (installed by ``./dev`` with ``npm ci``).
Every page reads and writes through ``core.platform.Work`` and the services, so the one policy
decides what a page may show. See docs/web.md.
"""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Request, Response, Router
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from core.api.problems import DETAILS, RETRY_AFTER
from core.errors import StafettError
from core.i18n import N_, _
from core.platform import Platform
from core.storage.database import is_busy
from core.web.pages import HANDLERS, FormRefused
from core.web.render import home_page, page

HERE = Path(__file__).parent
DESIGNSYSTEMET = HERE / "node_modules" / "@digdir" / "designsystemet-css" / "dist"
log = logging.getLogger(__name__)
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


def _refused(request: Request, exc: StafettError) -> Response:
    """A refusal or bad input that has no form to re-show: the message in the reader's written form,
    never a trace."""
    return page(
        request,
        "feil.html",
        status=exc.status,
        title=_(_TITLES.get(exc.status, N_("Det gikk ikke"))),
        message=exc.message,
    )


def _http_error(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, NotAuthorizedException):
        return Redirect(f"/login?next={request.url.path}", status_code=303)
    status = exc.status_code if 400 <= exc.status_code < 600 else 500
    message = exc.detail if isinstance(exc, FormRefused) else _(_MESSAGES.get(status, _MESSAGES[500]))
    return page(
        request,
        "feil.html",
        status=status,
        title=_(_TITLES.get(status, N_("Det gikk ikke"))),
        message=message,
    )


def _crash(request: Request, exc: Exception) -> Response:
    """An error of ours: logged with its trace for the operator, a plain apology on the page. A busy
    database is not one: the whole transaction was rolled back, so the person can simply try again."""
    if is_busy(exc):
        log.warning("Databasen var opptatt ved %s: %s", request.url.path, exc)
        response = page(
            request, "feil.html", status=503, title=_("Prøv igjen om litt"), message=_(DETAILS[503])
        )
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response
    log.exception("Feil på siden %s", request.url.path, exc_info=exc)
    return page(request, "feil.html", status=500, title=_("Noe gikk galt"), message=_(_MESSAGES[500]))


_TITLES = {
    403: N_("Ingen tilgang"),
    404: N_("Finnes ikke"),
    409: N_("Det gikk ikke"),
    422: N_("Noe må rettes"),
}
_MESSAGES = {
    400: N_("Forespørselen var ikke gyldig."),
    404: N_("Siden eller saken finnes ikke."),
    405: N_("Denne handlingen finnes ikke her."),
    500: N_("Noe gikk galt hos oss. Prøv igjen, eller gå tilbake til forrige side."),
}


def web_router(platform: Platform) -> Router:
    """The pages and their static files; ``platform`` is read from ``app.state`` at request time."""
    del platform  # the app's state holds it, as for the API; the parameter keeps the mount explicit
    if not DESIGNSYSTEMET.is_dir():
        log.warning(
            "Designsystemet-CSS mangler i %s: sidene vises uten stil. "
            "Kjør «./dev serve», eller «npm ci» i %s.",
            DESIGNSYSTEMET,
            HERE,
        )
    return Router(
        path="/",
        route_handlers=[
            *HANDLERS,
            create_static_files_router(path="/static/web", directories=[HERE / "static"], name="web-static"),
            create_static_files_router(path="/static/ds", directories=[DESIGNSYSTEMET], name="ds-static"),
        ],
        exception_handlers={StafettError: _refused, HTTPException: _http_error, Exception: _crash},
        include_in_schema=False,
    )


__all__ = ["AXE", "DESIGNSYSTEMET", "home_page", "web_router"]
