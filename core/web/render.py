"""Pages from Jinja2 templates, the CSRF token of cookie-authenticated forms, and the actor of a request.

Forms are protected by a double-submit token: a random value in an HttpOnly, SameSite=Strict cookie
that every rendered form repeats in a hidden field; a POST whose field does not match is refused
before anything is read or written.
"""

from __future__ import annotations

import functools
import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie
from markupsafe import Markup, escape

from core import i18n
from core.domain.policy import Action, Actor, ActorKind, decide
from core.notify.service import unread_count
from core.web import dates, forms, labels

if TYPE_CHECKING:
    from core.platform import Platform

log = logging.getLogger(__name__)
PRACTICE_COOKIE = "stafett_oving"  # set while an employee is in the practice space (docs/practice.md)
TEMPLATES = Path(__file__).parent / "templates"
CSRF_COOKIE = "stafett_csrf"
CSRF_FIELD = "csrf"
HTML = "text/html; charset=utf-8"
HEADERS = {
    # pages carry personal data: no copy in the cache of a shared computer in a kindergarten or school
    "Cache-Control": "no-store",
    # our own files only (Designsystemet's icons are data: images), and never inside someone else's
    # frame: a consent button must not be clickjacked
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def environment(folder: Path) -> Environment:
    """Jinja2 as every page of Stafett uses it (these and the login realm's): HTML escaped, an
    undefined name an error rather than an empty string, block tags leaving no blank lines."""
    jinja = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates change with a deploy, not while the process runs: no stat per page
        extensions=["jinja2.ext.i18n"],
    )
    # _("…") and {% trans %} in the request's written form (core.i18n); newstyle escapes the values
    jinja.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    jinja.globals.update(locale=i18n.current, LOCALE_NAMES=i18n.NAMES)
    return jinja


env = environment(TEMPLATES)
env.filters.update(labels.FILTERS, field_date=dates.in_field, field_moment=dates.moment_in_field)
env.globals.update(
    LEVELS=labels.LEVELS,
    CLOSE_REASONS=labels.CLOSE_REASONS,
    AREAS=labels.AREAS,
    MEETING_KINDS=labels.MEETING_KINDS,
    CSRF_FIELD=CSRF_FIELD,
)


@functools.lru_cache(maxsize=512)
def _blank_fields(tool_id: str, schema_json: bytes, prefix: str, locale: str) -> Markup:
    """A tool's empty form fields, rendered once per process and schema: a case page shows every tool
    of every step of its guide, and rendering the fields is most of the page's cost."""
    macros = env.get_template("_macros.html").make_module({"error": None, "values": {}})
    fields = forms.fields(msgspec.json.decode(schema_json), {}, f"{prefix}-{tool_id}")
    field = getattr(macros, "schema_field")  # noqa: B009 (a macro, unknown to the type checker)
    return Markup("".join(str(field(f)) for f in fields))


def blank_fields(tool: Any, prefix: str) -> Markup:
    return _blank_fields(tool.id, msgspec.json.encode(tool.form_schema), prefix, i18n.current())


_ID = "\x00id\x00"  # where a blank field's id goes; no id contains it


@functools.lru_cache(maxsize=256)
def _blank_field(macro: str, name: str, label: str, options: tuple[tuple[str, Any], ...], locale: str) -> str:
    macros = env.get_template("_macros.html").make_module({"error": None, "values": {}})
    return str(getattr(macros, macro)(_ID, name, label, {}, **dict(options)))


def blank_field(macro: str, id: str, name: str, label: str, **options: Any) -> Markup:
    """``ui.<macro>(id, name, label, {}, **options)``, rendered once per process and shape, then given
    its id: the case page repeats the same empty correction fields under every entry of the log."""
    return Markup(
        _blank_field(macro, name, label, tuple(sorted(options.items())), i18n.current()).replace(
            _ID, escape(id)
        )
    )


env.globals.update(blank_fields=blank_fields, blank_field=blank_field)


def actor(request: Request) -> Actor | None:
    user = request.scope.get("user")
    return user if isinstance(user, Actor) else None


def in_practice(request: Request) -> bool:
    """Whether this request is in the practice space: an employee who entered it (the cookie), on a
    deployment that has one. The family and the API are never in it."""
    who = actor(request)
    return (
        request.cookies.get(PRACTICE_COOKIE) == "1"
        and who is not None
        and who.kind is ActorKind.EMPLOYEE
        and getattr(request.app.state, "practice", None) is not None
    )


def platform_for(request: Request) -> Platform:
    """The platform a page works on: the practice space's while practising, else the real one."""
    state = request.app.state
    return state.practice.platform if in_practice(request) else state.platform


def sees_indicators(who: Actor | None) -> bool:
    """Whether the menu offers Følgeevaluering: the policy's rule, asked without data (the page itself
    asks again, audited)."""
    if who is None or is_family(who):
        return False
    units: list[str | None] = [u for u in who.unit_roles if who.is_leader_of(u)] or [None]
    return any(
        decide(who, Action.READ_INDICATORS, municipality_id=who.municipality_id, unit_id=u) for u in units
    )


def is_family(who: Actor | None) -> bool:
    return who is not None and who.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH)


def home_page(who: Actor | None) -> str:
    """Where a person starts: the family on Min side, employees on Mine saker, others at the login."""
    if who is None or who.kind in (ActorKind.SYSTEM, ActorKind.ANONYMOUS):
        return "/login?next=/"
    return "/min-side" if is_family(who) else "/saker"


def unread(request: Request, who: Actor | None) -> int:
    """The header's count of my unread varsler; a page still renders (with none) if it cannot be read."""
    if who is None or who.id is None or getattr(request.app.state, "platform", None) is None:
        return 0
    try:
        with platform_for(request).database.reader() as session:
            return unread_count(session, who.id)
    except Exception:  # an error page must render even when the database is what failed
        log.warning("Fant ikke antall uleste varsler", exc_info=True)
        return 0


def csrf_token(request: Request) -> tuple[str, bool]:
    """The request's token, and whether it is new (then the response sets the cookie)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) >= 32:
        return token, False
    return secrets.token_urlsafe(32), True


def csrf_ok(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and bool(submitted) and secrets.compare_digest(cookie, str(submitted))


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> Response[str]:
    """Render ``template`` for the request's person, with the CSRF token every form carries."""
    token, new = csrf_token(request)
    who = actor(request)
    defaults: dict[str, Any] = {"message": "", "error": None, "values": {}, "target": ""}
    body = env.get_template(template).render(
        csrf=token,
        me=who,
        family=is_family(who),
        path=request.url.path,
        unread=unread(request, who),
        sees_indicators=sees_indicators(who),
        practice=in_practice(request),
        **(defaults | context),
    )
    response = Response(body, status_code=status, media_type=HTML, headers=HEADERS)
    if new:
        secure = request.url.scheme == "https"
        response.cookies.append(
            Cookie(
                key=CSRF_COOKIE,
                value=token,
                path="/",
                httponly=True,
                samesite="strict",
                secure=secure,
            )
        )
    return response
