"""OneRoster 1.2 test data: a generator of spec-conformant CSV packages and a REST peer serving the same data.

Everyone is fictional: names from short lists, fødselsnumre synthetic (month + 80) from a seeded
generator. ``generate`` streams a whole municipality to CSV files (the benchmark's 100,000
users); ``Roster`` holds a small package in memory so a test can change, delete and re-export it
as a bulk or a delta package, and ``RestPeer`` serves it over HTTP on loopback with OAuth2 client
credentials, limit/offset paging and ``filter=dateLastModified>='…'``.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from core.domain import national_id

COLUMNS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
    "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,"
    "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,"
    "userProfileSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
    "schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,"
    "subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
    "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,"
    "hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,"
    "publicSchoolResidenceStatus",
}
COLUMNS = {name: header.split(",") for name, header in COLUMNS.items()}
FILES = tuple(COLUMNS)
MANIFEST_FILES = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)
GIVEN = ("Ola", "Kari", "Nora", "Emil", "Sara", "Jonas", "Ingrid", "Aksel", "Maja", "Filip", "Ella", "Noah")
FAMILY = ("Fjordheim", "Nordvik", "Lien", "Bakketun", "Strand", "Haugen", "Berg", "Dalen", "Vik", "Moen")
STAMP = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
SYSTEM = "Fjordvik SAS"


def iso(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def org_number(rng: random.Random) -> str:
    """A nine-digit number with a valid organisasjonsnummer control digit (fictional units)."""
    while True:
        body = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
        k = 11 - sum(int(d) * w for d, w in zip(body, (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        if k != 10:
            return body + str(k % 11)


@dataclass
class Sizes:
    """Counts of what ``generate`` wrote."""

    users: int = 0
    enrollments: int = 0
    rows: int = 0
    pupils: int = 0


def people(
    *,
    pupils: int,
    seed: int = 2012,
    pupils_per_class: int = 24,
    subject_classes: int = 2,
    schools: int | None = None,
    kindergarten_children: int = 0,
    stamp: dt.datetime = STAMP,
) -> Iterator[tuple[str, dict[str, str]]]:
    """Every row of a fictional municipality, file by file interleaved, in a stable order from ``seed``."""
    rng = random.Random(seed)
    when = iso(stamp)
    used: set[str] = set()

    def unique_nin(born: dt.date, sex: str) -> str:
        """Random synthetic numbers collide now and then (same birth date, same individual number)."""
        while (number := national_id.generate(born, sex=sex, rng=rng)) in used:
            pass
        used.add(number)
        return number

    def row(file: str, **values: str) -> tuple[str, dict[str, str]]:
        return file, {"status": "active", "dateLastModified": when} | values

    def user(sid: str, given: str, family: str, nin: str | None, agents: list[str], email: str = "") -> tuple:
        ids = f"{{Feide:{sid}@fjordvik.example}}" + (f",{{FNR:{nin}}}" if nin else "")
        return row(
            "users",
            sourcedId=sid,
            enabledUser="true",
            username=sid,
            userIds=ids,
            givenName=given,
            familyName=family,
            email=email,
            agentSourcedIds=",".join(agents),
            primaryOrgSourcedId="",
        )

    def enrollment(class_sid: str, unit_sid: str, user_sid: str, kind: str, primary: str) -> tuple:
        return row(
            "enrollments",
            sourcedId=f"e-{class_sid}-{user_sid}",
            classSourcedId=class_sid,
            schoolSourcedId=unit_sid,
            userSourcedId=user_sid,
            role=kind,
            primary=primary,
        )

    def role(user_sid: str, org: str, kind: str) -> tuple:
        return row(
            "roles",
            sourcedId=f"r-{user_sid}-{org}-{kind}",
            userSourcedId=user_sid,
            roleType="primary",
            role=kind,
            orgSourcedId=org,
        )

    yield row("orgs", sourcedId="fjordvik", name="Fjordvik kommune", type="district")
    yield row(
        "academicSessions",
        sourcedId="sy2025",
        title="Skoleåret 2024–2025",
        type="schoolYear",
        startDate="2024-08-19",
        endDate="2025-06-20",
        schoolYear="2025",
    )
    n_schools = schools or max(1, pupils // 400)
    units = [
        (
            f"skole-{i + 1}",
            f"Fjordvik skole {i + 1}",
            "school",
            pupils // n_schools + (i < pupils % n_schools),
        )
        for i in range(n_schools)
    ]
    if kindergarten_children:
        units.append(("bhg-1", "Solsida barnehage", "ext:kindergarten", kindergarten_children))
    serial = 0
    for unit_sid, unit_name, org_type, count in units:
        yield row(
            "orgs",
            sourcedId=unit_sid,
            name=unit_name,
            type=org_type,
            identifier=org_number(rng),
            parentSourcedId="fjordvik",
        )
        yield row(
            "courses",
            sourcedId=f"c-{unit_sid}",
            schoolYearSourcedId="sy2025",
            title="Basisgruppe",
            orgSourcedId=unit_sid,
        )
        principal = f"t-{unit_sid}-rektor"
        yield user(
            principal, rng.choice(GIVEN), rng.choice(FAMILY), None, [], f"{principal}@fjordvik.example"
        )
        yield role(principal, unit_sid, "principal")
        kindergarten = org_type != "school"
        for c in range((count + pupils_per_class - 1) // pupils_per_class):
            in_class = min(pupils_per_class, count - c * pupils_per_class)
            grade = 1 + c % 10
            groups = [
                (f"k-{unit_sid}-{c}", f"{'Avdeling' if kindergarten else 'Klasse'} {c + 1}", "homeroom")
            ]
            if not kindergarten:
                groups += [
                    (f"k-{unit_sid}-{c}-f{s}", f"Fag {s + 1} gruppe {c + 1}", "scheduled")
                    for s in range(subject_classes)
                ]
            for class_sid, title, class_type in groups:
                teacher = f"t-{class_sid}"
                yield row(
                    "classes",
                    sourcedId=class_sid,
                    title=title,
                    courseSourcedId=f"c-{unit_sid}",
                    classType=class_type,
                    schoolSourcedId=unit_sid,
                    termSourcedIds="sy2025",
                )
                yield user(
                    teacher, rng.choice(GIVEN), rng.choice(FAMILY), None, [], f"{teacher}@fjordvik.example"
                )
                yield role(teacher, unit_sid, "teacher")
                yield enrollment(class_sid, unit_sid, teacher, "teacher", "true")
            for _ in range(in_class):
                serial += 1
                pupil = f"p{serial}"
                age = 2 + rng.randrange(4) if kindergarten else 6 + grade
                born = dt.date(stamp.year - age, 1 + rng.randrange(12), 1 + rng.randrange(28))
                nin = unique_nin(born, rng.choice(("female", "male")))
                family = rng.choice(FAMILY)
                guardians = [f"g{serial}a"] + ([f"g{serial}b"] if serial % 5 else [])
                yield user(pupil, rng.choice(GIVEN), family, nin, guardians)
                yield role(pupil, unit_sid, "student")
                yield row("demographics", sourcedId=pupil, birthDate=born.isoformat())
                for g, guardian in enumerate(guardians):
                    g_born = dt.date(
                        born.year - 30 - rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28)
                    )
                    g_nin = unique_nin(g_born, ("female", "male")[g])
                    yield user(
                        guardian, rng.choice(GIVEN), family, g_nin, [pupil], f"{guardian}@foresatt.example"
                    )
                    yield role(guardian, unit_sid, "relative" if g == 1 and serial % 10 == 3 else "parent")
                for class_sid, _, _ in groups:
                    yield enrollment(class_sid, unit_sid, pupil, "student", "false")


def write_manifest(directory: Path, modes: dict[str, str], system: str = SYSTEM) -> None:
    with (directory / "manifest.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["propertyName", "value"])
        out.writerows([["manifest.version", "1.0"], ["oneroster.version", "1.2"]])
        out.writerows([[f"file.{name}", modes.get(name, "absent")] for name in MANIFEST_FILES])
        out.writerows([["source.systemName", system], ["source.systemCode", "fjordvik-sas"]])


def generate(directory: Path, **kwargs) -> Sizes:
    """Stream a bulk package of a fictional municipality to ``directory`` (see ``people`` for the sizes)."""
    directory.mkdir(parents=True, exist_ok=True)
    handles = {name: (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") for name in FILES}
    sizes = Sizes()
    try:
        writers = {name: csv.DictWriter(h, COLUMNS[name], restval="") for name, h in handles.items()}
        for writer in writers.values():
            writer.writeheader()
        for file, row in people(**kwargs):
            writers[file].writerow(row)
            sizes.rows += 1
            sizes.users += file == "users"
            sizes.enrollments += file == "enrollments"
            sizes.pupils += file == "roles" and row["role"] == "student"
    finally:
        for h in handles.values():
            h.close()
    write_manifest(directory, dict.fromkeys(FILES, "bulk"))
    return sizes


@dataclass
class Roster:
    """A small package in memory, to change and export again as bulk or delta, or to serve over REST."""

    tables: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: {f: {} for f in FILES})
    now: dt.datetime = STAMP

    @classmethod
    def build(cls, **kwargs) -> Roster:
        roster = cls()
        for file, row in people(**kwargs):
            roster.tables[file][row["sourcedId"]] = row
        return roster

    def tick(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**(delta or {"hours": 1}))
        return self.now

    def put(self, file: str, sid: str, **values: str) -> dict[str, str]:
        """Add or change a row; it gets a new dateLastModified."""
        row = self.tables[file].setdefault(sid, {"sourcedId": sid})
        row |= {"status": "active"} | values | {"dateLastModified": iso(self.tick(seconds=1))}
        return row

    def delete(self, file: str, sid: str) -> None:
        self.tables[file][sid] |= {"status": "tobedeleted", "dateLastModified": iso(self.tick(seconds=1))}

    def rows(self, file: str, since: dt.datetime | None = None) -> list[dict[str, str]]:
        """Bulk (``since`` None): the active rows. Delta: every row changed since, tombstones included."""
        rows = sorted(self.tables[file].values(), key=lambda r: r["sourcedId"])
        if since is None:
            return [r for r in rows if r["status"] == "active"]
        return [r for r in rows if r["dateLastModified"] >= iso(since)]

    def write(self, directory: Path, since: dt.datetime | None = None) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, COLUMNS[name], restval="")
                writer.writeheader()
                writer.writerows(self.rows(name, since))
        write_manifest(directory, dict.fromkeys(FILES, "delta" if since else "bulk"))
        return directory

    # --- the REST binding's JSON view of the same rows -------------------------------------

    def json(self, collection: str, since: dt.datetime | None) -> list[dict]:
        convert = {"orgs": _org, "users": self._user, "classes": _class, "enrollments": _enrollment}
        convert |= {"demographics": _demographics, "academicSessions": lambda r: dict(r)}
        if collection == "users" and since is not None:  # a user whose roles changed is changed too
            touched = {r["userSourcedId"] for r in self.rows("roles", since)}
            rows = [
                r
                for r in self.rows("users")
                if r["dateLastModified"] >= iso(since) or r["sourcedId"] in touched
            ]
            rows += [r for r in self.rows("users", since) if r["status"] != "active"]
        else:
            rows = self.rows(collection, since)
        return [convert[collection](r) for r in sorted(rows, key=lambda r: r["sourcedId"])]

    def _user(self, row: dict[str, str]) -> dict:
        roles = [r for r in self.rows("roles") if r["userSourcedId"] == row["sourcedId"]]
        return {
            **_base(row),
            "enabledUser": row.get("enabledUser") == "true",
            "username": row.get("username", ""),
            "userIds": [
                {"type": t, "identifier": i}
                for t, i in (p.strip("{}").split(":", 1) for p in row.get("userIds", "").split(",") if p)
            ],
            "givenName": row.get("givenName", ""),
            "familyName": row.get("familyName", ""),
            "email": row.get("email", ""),
            "agents": [_ref(a, "user") for a in row.get("agentSourcedIds", "").split(",") if a],
            "roles": [
                {"roleType": r["roleType"], "role": r["role"], "org": _ref(r["orgSourcedId"], "org")}
                for r in roles
            ],
        }


def _base(row: dict[str, str]) -> dict:
    return {k: row[k] for k in ("sourcedId", "status", "dateLastModified")}


def _ref(sid: str, kind: str) -> dict:
    return {"href": f"/{kind}s/{sid}", "sourcedId": sid, "type": kind}


def _org(row: dict[str, str]) -> dict:
    parent = row.get("parentSourcedId")
    return {
        **_base(row),
        "name": row["name"],
        "type": row["type"],
        "identifier": row.get("identifier", ""),
        "parent": _ref(parent, "org") if parent else None,
    }


def _class(row: dict[str, str]) -> dict:
    return {
        **_base(row),
        "title": row["title"],
        "classType": row["classType"],
        "course": _ref(row["courseSourcedId"], "course"),
        "school": _ref(row["schoolSourcedId"], "org"),
        "terms": [_ref(t, "academicSession") for t in row["termSourcedIds"].split(",")],
    }


def _enrollment(row: dict[str, str]) -> dict:
    return {
        **_base(row),
        "role": row["role"],
        "primary": row.get("primary") == "true",
        "user": _ref(row["userSourcedId"], "user"),
        "class": _ref(row["classSourcedId"], "class"),
        "school": _ref(row["schoolSourcedId"], "org"),
    }


def _demographics(row: dict[str, str]) -> dict:
    return {**_base(row), "birthDate": row.get("birthDate", "")}


class RestPeer:
    """A OneRoster 1.2 REST server on loopback: OAuth2 client credentials, paging, delta filter."""

    PREFIX = "/ims/oneroster/rostering/v1p2/"

    def __init__(
        self, roster: Roster, *, client_id: str = "stafett", client_secret: str = "hemmelig"
    ) -> None:
        self.roster, self.client_id, self.client_secret = roster, client_id, client_secret
        self.tokens: set[str] = set()
        self.requests: list[str] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                peer.requests.append(f"POST {self.path}")
                body = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                expected = base64.b64encode(f"{peer.client_id}:{peer.client_secret}".encode()).decode()
                if self.path != "/token" or body.get("grant_type") != ["client_credentials"]:
                    return self._send(400, {"error": "unsupported_grant_type"})
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._send(401, {"error": "invalid_client"})
                token = f"t{len(peer.tokens) + 1}"
                peer.tokens.add(token)
                self._send(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})

            def do_GET(self) -> None:
                url = urlparse(self.path)
                peer.requests.append(f"GET {url.path}?{url.query}")
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in peer.tokens:
                    return self._send(401, {"imsx_codeMajor": "failure", "imsx_description": "unauthorized"})
                collection = url.path.removeprefix(peer.PREFIX)
                if not url.path.startswith(peer.PREFIX) or collection not in (
                    "orgs",
                    "users",
                    "classes",
                    "enrollments",
                    "demographics",
                    "academicSessions",
                ):
                    return self._send(404, {"imsx_codeMajor": "failure"})
                query = parse_qs(url.query)
                since = None
                if "filter" in query:
                    field_, _, value = query["filter"][0].partition(">=")
                    if field_ != "dateLastModified":
                        return self._send(400, {"imsx_description": "unsupported filter"})
                    since = dt.datetime.fromisoformat(value.strip("'").replace("Z", "+00:00"))
                items = peer.roster.json(collection, since)
                limit, offset = int(query.get("limit", ["100"])[0]), int(query.get("offset", ["0"])[0])
                self._send(200, {collection: items[offset : offset + limit]}, total=len(items))

            def _send(self, status: int, body: dict, total: int | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if total is not None:
                    self.send_header("X-Total-Count", str(total))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RestPeer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
