"""Varsler: a person's notifications (employees and the family alike), opening one (marks it read and
goes to what it is about), marking all read, the choice per kind and quiet hours; and the unsubscribe
link of every e-mail, which works without logging in (its secret names the person)."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from litestar import Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect
from sqlalchemy import select

from core.api.routes import IdPath
from core.domain.policy import Actor
from core.errors import InvalidInput, StafettError
from core.i18n import N_, _
from core.notify.service import unsubscribe
from core.platform import Work
from core.storage import models as m
from core.storage.notification_models import NotificationSettingsRow
from core.web.pages.shared import (
    _done,
    _login_first,
    _message,
    _one,
    _platform,
    _posted,
    _run,
    show,
)
from core.web.render import actor

TokenPath = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="avmeldingslenke")]
DELIVERIES = [
    ("immediately", N_("Med en gang")),
    ("daily_digest", N_("Én gang om dagen")),
    ("in_app", N_("Bare i Stafett")),
]
HOURS = [(str(h), f"{h:02d}.00") for h in range(24)]


def _listing(w: Work, page: int) -> dict:
    items, total = w.notifications.mine(page)
    return {
        "items": items,
        "total": total,
        "unread_here": sum(not n.read for n in items),
        "kinds": w.plugins.notification_kinds,
        "preferences": w.notifications.preferences(),
        "quiet": w.notifications.quiet_hours(),
        "channels": list(w.notifications.channels().items()),
        "channel": w.notifications.channel(),
        "page": page,
    }


async def _page(request: Request, *, error: StafettError | None = None) -> Response:
    try:
        page = max(1, int(request.query_params.get("side", "1")))
    except ValueError:
        page = 1
    listing = await _run(request, "notifications.list", _listing, page)
    return await show(
        request,
        "varsler.html",
        status=error.status if error else 200,
        error=error,
        message="" if error else _message(request),
        deliveries=DELIVERIES,
        hours=HOURS,
        **listing,
    )


@get("/varsler", before_request=_login_first)
async def notifications(request: Request) -> Response:
    return await _page(request)


@get("/varsler/{notification_id:str}", before_request=_login_first)
async def open_notification(request: Request, notification_id: IdPath) -> Response:
    """The link in the list and in an e-mail: marks the varsel read, then goes where it points."""
    platform, who = _platform(request), actor(request)
    assert who is not None  # the login guard ran

    def open_() -> str:
        with platform.work(who, "notifications.open via web") as w:
            return w.notifications.open(notification_id).link

    return Redirect(await to_thread.run_sync(open_), status_code=303)


@post("/varsler/les", before_request=_login_first)
async def read_all(request: Request) -> Response:
    await _posted(request)
    await _run(request, "notifications.read_all", lambda w: w.notifications.read_all())
    return _done("/varsler", "notifications_read")


@post("/varsler/innstillinger", before_request=_login_first)
async def choose(request: Request) -> Response:
    form = await _posted(request)

    def hour(name: str) -> int | None:
        text = _one(form, name)
        if not text:
            return None
        if not text.isdigit():
            raise InvalidInput(_("Velg en hel time."), field=name)
        return int(text)

    def save(w: Work) -> None:
        kinds = w.plugins.notification_kinds
        chosen = {k: _one(form, f"delivery-{k}") for k in kinds if _one(form, f"delivery-{k}")}
        w.notifications.choose(chosen, (hour("quiet_from"), hour("quiet_to")))
        if channel := _one(form, "channel"):
            w.notifications.choose_channel(channel)

    try:
        await _run(request, "notifications.choose", save)
    except StafettError as exc:
        return await _page(request, error=exc)
    return _done("/varsler", "notification_settings")


def _owner(request: Request, token: TokenPath) -> Actor | None:
    """The system acting for whoever holds the link, in the municipality of the person it names."""
    with _platform(request).database.session() as session:
        mid = session.scalar(
            select(m.PersonRow.municipality_id)
            .join(NotificationSettingsRow, NotificationSettingsRow.person_id == m.PersonRow.id)
            .where(NotificationSettingsRow.unsubscribe_token == token)
        )
    return Actor.system(mid, operator="avmelding fra e-post") if mid else None


@get("/varsler/avmeld/{token:str}")
async def unsubscribe_page(request: Request, token: TokenPath) -> Response:
    known = await to_thread.run_sync(_owner, request, token)
    return await show(request, "avmeld.html", status=200 if known else 404, token=token, known=bool(known))


@post("/varsler/avmeld/{token:str}")
async def unsubscribe_now(request: Request, token: TokenPath) -> Response:
    await _posted(request)
    platform = _platform(request)
    who = await to_thread.run_sync(_owner, request, token)

    def run() -> bool:
        if who is None:
            return False
        with platform.work(who, "avmelding av e-postvarsler") as w:
            return unsubscribe(w.uow, token)

    done = await to_thread.run_sync(run)
    return await show(request, "avmeld.html", status=200 if done else 404, token=token, known=done, done=done)
