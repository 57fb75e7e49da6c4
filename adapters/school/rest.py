"""OneRoster 1.2 REST binding: OAuth2 client credentials, limit/offset paging, delta by dateLastModified.

The first sync reads every collection whole (bulk); later syncs ask only for what changed since
the newest ``dateLastModified`` seen last time (``filter=dateLastModified>='…'``), including
records the server marks ``tobedeleted``. A user object carries its roles and agents, so a user
in a delta brings its complete list of roles: a role no longer listed has ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from adapters.school import vocabulary as v
from adapters.school.importer import RosterImport
from adapters.school.records import BirthDate, Enrollment, Group, Org, Role, User

PREFIX = "/ims/oneroster/rostering/v1p2"
SCOPE = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
COLLECTIONS = ("orgs", "users", "classes", "enrollments", "demographics")


class RestError(ValueError):
    """The server could not be read: the message names the request and the answer."""


class RestSource:
    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        token_url: str | None = None,
        page_size: int = 500,
        timeout: float = 60.0,
    ) -> None:
        base = base_url.rstrip("/")
        if not base.endswith(PREFIX):
            base += PREFIX
        url = httpx.URL(base)
        self.base, self.page_size = base, page_size
        self.name = f"{url.host}{f':{url.port}' if url.port else ''}{url.path}"
        self.token_url = token_url or str(url.copy_with(path="/token", query=None))
        self.credentials = (client_id, client_secret)
        self.client = httpx.Client(timeout=timeout)
        self._token: str | None = None

    def close(self) -> None:
        self.client.close()

    def _authorize(self) -> str:
        try:
            answer = self.client.post(
                self.token_url,
                data={"grant_type": "client_credentials", "scope": SCOPE},
                auth=self.credentials,
            )
        except httpx.HTTPError as exc:
            raise RestError(f"Fikk ikke kontakt med {self.token_url}: {exc}") from None
        if answer.status_code != 200:
            raise RestError(
                f"Innlogging hos {self.token_url} ble avvist ({answer.status_code}): {answer.text[:200]}"
            )
        token = answer.json().get("access_token")
        if not token:
            raise RestError(f"{self.token_url} svarte uten access_token.")
        return token

    def _get(self, collection: str, params: dict[str, Any]) -> httpx.Response:
        for attempt in (1, 2):
            self._token = self._token or self._authorize()
            try:
                answer = self.client.get(
                    f"{self.base}/{collection}",
                    params=params,
                    headers={"Authorization": f"Bearer {self._token}"},
                )
            except httpx.HTTPError as exc:
                raise RestError(f"GET /{collection} feilet: {exc}") from None
            if answer.status_code == 401 and attempt == 1:
                self._token = None  # expired: ask for a new token once
                continue
            if answer.status_code != 200:
                raise RestError(f"GET /{collection} svarte {answer.status_code}: {answer.text[:200]}")
            return answer
        raise AssertionError("unreachable")

    def items(self, collection: str, since: dt.datetime | None) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every item of a collection, page by page, with its origin for messages."""
        offset = 0
        params: dict[str, Any] = {"limit": self.page_size, "sort": "sourcedId"}
        if since is not None:
            params["filter"] = (
                f"dateLastModified>='{since.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}'"
            )
        while True:
            answer = self._get(collection, params | {"offset": offset})
            page = answer.json().get(collection)
            if not isinstance(page, list):
                raise RestError(f"GET /{collection} svarte uten listen «{collection}».")
            for i, item in enumerate(page):
                yield f"GET /{collection} nr. {offset + i + 1}", item
            offset += len(page)
            total = answer.headers.get("X-Total-Count")
            if not page or (total is not None and offset >= int(total)) or len(page) < self.page_size:
                return

    def read(
        self, job: RosterImport, since: dt.datetime | None, progress: Callable[[str, int, int], None]
    ) -> dt.datetime | None:
        """Stream every collection into ``job``; returns the newest dateLastModified seen (next watermark)."""
        newest = since
        count = 0
        for collection in COLLECTIONS:
            for origin, item in self.items(collection, since):
                count += 1
                if count % 1000 == 0:
                    progress("les", count, 0)
                try:
                    stamp = _timestamp(item.get("dateLastModified"))
                    if stamp is not None and (newest is None or stamp > newest):
                        newest = stamp
                    for record in MAPPERS[collection](origin, item, job):
                        job.add(record)
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    job.problem(origin, f"ugyldig {collection[:-1]}: {exc}")
        return newest


def _timestamp(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _ref(item: dict[str, Any], name: str) -> str:
    ref = item.get(name)
    if not isinstance(ref, dict) or not ref.get("sourcedId"):
        raise ValueError(f"mangler «{name}.sourcedId»")
    return str(ref["sourcedId"])


def _known(item: dict[str, Any]) -> tuple[str, bool]:
    """The item's sourcedId (it must have one), and whether its status keeps it active."""
    return item["sourcedId"], v.active(item.get("status", ""))


def _org(origin: str, item: dict, job: RosterImport) -> list:
    service_type = v.lookup(v.ORG_TYPES, item.get("type", ""), "type")
    return [Org(origin, *_known(item), item.get("name", ""), service_type, item.get("identifier"))]


def _user(origin: str, item: dict, job: RosterImport) -> list:
    sid, active = _known(item)
    pairs = [(i.get("type", ""), i.get("identifier", "")) for i in item.get("userIds") or []]
    records: list = [
        User(
            origin,
            sid,
            active,
            given_name=item.get("preferredGivenName") or item.get("givenName", ""),
            family_name=item.get("familyName", ""),
            national_id=v.national_id_of(pairs),
            email=item.get("email"),
            phone=item.get("phone") or item.get("sms"),
            agents=tuple(_ref({"a": a}, "a") for a in item.get("agents") or []),
            identifier=item.get("identifier") or None,
            hpr_number=v.hpr_of(pairs),
        )
    ]
    if active:
        job.roles_complete_for(sid)
        for role in item.get("roles") or []:
            kind = v.lookup(v.ROLES, role.get("role", ""), "role")
            if kind is not None:
                records.append(Role(origin, sid, _ref(role, "org"), kind))
    return records


def _class(origin: str, item: dict, job: RosterImport) -> list:
    homeroom = v.lookup(v.CLASS_TYPES, item.get("classType", ""), "classType")
    return [Group(origin, *_known(item), _ref(item, "school"), item.get("title", ""), bool(homeroom))]


def _enrollment(origin: str, item: dict, job: RosterImport) -> list:
    role = v.lookup(v.ENROLLMENT_ROLES, item.get("role", ""), "role")
    if role is None:
        return []
    primary = item.get("primary") in (True, "true")
    return [Enrollment(origin, *_known(item), _ref(item, "class"), _ref(item, "user"), role, primary)]


def _demographics(origin: str, item: dict, job: RosterImport) -> list:
    if not item.get("birthDate") or not v.active(item.get("status", "")):
        return []
    return [BirthDate(origin, item["sourcedId"], dt.date.fromisoformat(item["birthDate"]))]


MAPPERS = {
    "orgs": _org,
    "users": _user,
    "classes": _class,
    "enrollments": _enrollment,
    "demographics": _demographics,
}
