"""OneRoster 1.2 CSV binding: a package (a folder or a .zip) read row by row into roster records.

Every file is streamed with the csv module, so memory stays flat whatever the package's size.
Format faults (a missing column, a value outside the vocabulary, a row with the wrong number
of fields) are reported to the import with file and line; the import then refuses the package.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from adapters.school import vocabulary as v
from adapters.school.importer import RosterImport
from adapters.school.records import BirthDate, Enrollment, Group, Mode, Org, Role, User

# file → (the columns Stafett reads that the specification requires, the optional ones it reads)
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "orgs": (("sourcedId", "name", "type"), ("status", "identifier", "parentSourcedId")),
    "users": (
        ("sourcedId", "enabledUser", "username", "givenName", "familyName"),
        ("status", "userIds", "identifier", "email", "phone", "sms", "agentSourcedIds", "preferredGivenName"),
    ),
    "roles": (("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"), ("status",)),
    "classes": (
        ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"),
        ("status",),
    ),
    "enrollments": (
        ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
        ("status", "primary"),
    ),
    "demographics": (("sourcedId",), ("status", "birthDate")),
    "academicSessions": (("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"), ("status",)),
}
READ_ORDER = ("orgs", "users", "roles", "classes", "enrollments", "demographics", "academicSessions")
MODES: dict[str, Mode] = {"bulk": "bulk", "delta": "delta", "absent": "absent"}
Progress = Callable[[str, int, int], None]


class PackageError(ValueError):
    """The package cannot be opened at all (no such path, not a zip, no manifest)."""


class EncodingFault(ValueError):
    """A file in neither UTF-8 nor Windows-1252; ``origin`` names the file and line."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin, self.reason = origin, reason


class Package:
    """The files of a package, from a folder or a zip archive, opened one at a time as text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            self._zip = None
            self.names = {p.name for p in path.iterdir() if p.suffix == ".csv"}
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            self.names = {Path(n).name for n in self._zip.namelist() if n.endswith(".csv")}
        else:
            raise PackageError(f"{path}: finner ingen mappe eller zip-fil med en OneRoster-pakke.")
        if "manifest.csv" not in self.names:
            raise PackageError(f"{path}: pakken mangler manifest.csv.")

    def size(self, name: str) -> int:
        if self._zip is None:
            return (self.path / name).stat().st_size
        return next(i.file_size for i in self._zip.infolist() if Path(i.filename).name == name)

    @contextmanager
    def _raw(self, name: str) -> Iterator[IO[bytes]]:
        if self._zip is None:
            with (self.path / name).open("rb") as f:
                yield f
        else:
            member = next(n for n in self._zip.namelist() if Path(n).name == name)
            with self._zip.open(member) as raw:
                yield raw

    def encoding(self, name: str) -> str:
        """The file's encoding: a byte-order mark says it; else strict UTF-8 if every byte is; else
        Windows-1252 (what Norwegian school systems write when they do not follow the spec's UTF-8).
        Raises ``EncodingFault`` naming the line when the file is neither. One streaming pass."""
        with self._raw(name) as f:
            head = f.read(4)
            if head.startswith(codecs.BOM_UTF8):
                return "utf-8-sig"
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return "utf-16"
            decoder, line, chunk = codecs.getincrementaldecoder("utf-8")("strict"), 1, head
            try:
                while chunk:
                    decoder.decode(chunk)
                    line += chunk.count(b"\n")
                    chunk = f.read(1 << 16)
                decoder.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError as exc:
                utf8_line = line + exc.object[: exc.start].count(b"\n")
        with self._raw(name) as f:
            line = 1
            while chunk := f.read(1 << 16):
                try:
                    chunk.decode("cp1252")
                except UnicodeDecodeError as exc:
                    line += chunk[: exc.start].count(b"\n")
                    raise EncodingFault(
                        f"{name}:{line}",
                        f"filen er verken UTF-8 (feil fra linje {utf8_line}) eller Windows-1252 "
                        f"(byte 0x{chunk[exc.start]:02x}); lagre den som UTF-8",
                    ) from None
                line += chunk.count(b"\n")
        return "cp1252"

    @contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        encoding = self.encoding(name)
        with self._raw(name) as raw:
            yield io.TextIOWrapper(raw, encoding=encoding, newline="")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def read_manifest(package: Package, job_problem: Callable[[str, str], None]) -> tuple[dict[str, Mode], str]:
    """The processing mode of every file we read, and the source system's name."""
    try:
        with package.open("manifest.csv") as f:
            rows = list(csv.reader(f))
    except EncodingFault as fault:
        job_problem(fault.origin, fault.reason)
        return {}, ""
    if not rows or [c.strip() for c in rows[0][:2]] != ["propertyName", "value"]:
        job_problem("manifest.csv:1", "overskriften må være «propertyName,value»")
        return {}, ""
    props = {r[0].strip(): r[1].strip() for r in rows[1:] if len(r) >= 2}
    if props.get("oneroster.version") != v.ONEROSTER_VERSION:
        found = props.get("oneroster.version", "")
        job_problem("manifest.csv", f"oneroster.version er «{found}»; Stafett leser OneRoster 1.2")
    modes: dict[str, Mode] = {}
    for name in READ_ORDER:
        given = props.get(f"file.{name}", "absent")
        mode = MODES.get(given)
        if mode is None:
            job_problem("manifest.csv", f"file.{name} er «{given}»; gyldige verdier: bulk, delta, absent")
            mode = "absent"
        present = f"{name}.csv" in package.names
        if mode != "absent" and not present:
            job_problem("manifest.csv", f"file.{name} er «{mode}», men {name}.csv finnes ikke i pakken")
            mode = "absent"  # nothing to read; the problem refuses the package
        if mode == "absent" and present:
            job_problem(f"{name}.csv", f"filen finnes, men manifest.csv sier file.{name}=absent")
        modes[name] = mode
    return modes, props.get("source.systemName", "")


def read_package(package: Package, modes: Mapping[str, str], job: RosterImport, progress: Progress) -> None:
    """Stream every present file into ``job``."""
    total = sum(package.size(f"{n}.csv") for n in READ_ORDER if modes.get(n, "absent") != "absent")
    done = 0
    for name in READ_ORDER:
        if modes.get(name, "absent") == "absent":
            continue

        def report(n: int, base: int = done) -> None:
            progress("les", base + n, total)

        try:
            with package.open(f"{name}.csv") as f:
                counted = _Counted(f, report)
                _read_file(name, counted, job)
                done += counted.bytes
        except EncodingFault as fault:
            job.problem(fault.origin, fault.reason)
    progress("les", total, total)


class _Counted:
    """Iterates a text file's lines and reports how many bytes have gone by (for the progress bar)."""

    def __init__(self, f: IO[str], report: Callable[[int], None]) -> None:
        self.f, self.report, self.bytes, self._next = f, report, 0, 1 << 20

    def __iter__(self) -> Iterator[str]:
        for line in self.f:
            self.bytes += len(line)
            if self.bytes >= self._next:
                self._next += 1 << 20
                self.report(self.bytes)
            yield line


def _read_file(name: str, f: _Counted, job: RosterImport) -> None:
    filename = f"{name}.csv"
    reader = csv.reader(f)
    header = next(reader, None)
    if header is None:
        job.problem(f"{filename}:1", "filen er tom; overskriftslinjen mangler")
        return
    columns = {c.strip(): i for i, c in enumerate(header)}
    required, _optional = FILES[name]
    missing = [c for c in required if c not in columns]
    for column in missing:
        job.problem(f"{filename}:1", f"den påkrevde kolonnen «{column}» mangler")
    if missing:
        return
    width = len(header)
    handle = ROW_READERS[name]
    for row in reader:
        origin = f"{filename}:{reader.line_num}"
        if len(row) != width:
            if row:
                job.problem(origin, f"linjen har {len(row)} felt, overskriften {width}")
            continue

        def get(column: str, row: list[str] = row) -> str:
            i = columns.get(column)
            return row[i].strip() if i is not None else ""

        try:
            record = handle(origin, get)
        except ValueError as exc:
            job.problem(origin, str(exc))
            continue
        for item in record:
            job.add(item)


def _known(get) -> tuple[str, bool]:
    """The row's sourcedId, and whether its status keeps it active."""
    return get("sourcedId"), v.active(get("status"))


def _org(origin: str, get) -> list:
    service_type = v.lookup(v.ORG_TYPES, get("type"), "type")
    return [Org(origin, *_known(get), get("name"), service_type, get("identifier"))]


def _user(origin: str, get) -> list:
    ids = v.user_ids(get("userIds"))
    return [
        User(
            origin,
            *_known(get),
            given_name=get("preferredGivenName") or get("givenName"),
            family_name=get("familyName"),
            national_id=v.national_id_of(ids),
            email=get("email") or None,
            phone=get("phone") or get("sms") or None,
            agents=tuple(v.id_list(get("agentSourcedIds"))),
            identifier=get("identifier") or None,
            hpr_number=v.hpr_of(ids),
        )
    ]


def _role(origin: str, get) -> list:
    kind = v.lookup(v.ROLES, get("role"), "role")
    v.lookup({"primary": 1, "secondary": 1}, get("roleType"), "roleType")
    if kind is None:
        return []
    return [Role(origin, get("userSourcedId"), get("orgSourcedId"), kind, v.active(get("status")))]


def _class(origin: str, get) -> list:
    homeroom = v.lookup(v.CLASS_TYPES, get("classType"), "classType")
    return [Group(origin, *_known(get), get("schoolSourcedId"), get("title"), bool(homeroom))]


def _enrollment(origin: str, get) -> list:
    role = v.lookup(v.ENROLLMENT_ROLES, get("role"), "role")
    if role is None:
        return []
    primary = v.boolean(get("primary"), "primary")
    return [Enrollment(origin, *_known(get), get("classSourcedId"), get("userSourcedId"), role, primary)]


def _demographics(origin: str, get) -> list:
    if not get("birthDate") or not v.active(get("status")):
        return []
    return [BirthDate(origin, get("sourcedId"), _date(get("birthDate"), "birthDate"))]


def _session(origin: str, get) -> list:
    _date(get("startDate"), "startDate")
    _date(get("endDate"), "endDate")
    v.active(get("status"))
    return []  # terms are read for their validity only: Stafett keeps no timetable


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field} «{text}» er ikke en dato på formen ÅÅÅÅ-MM-DD") from None


ROW_READERS = {
    "orgs": _org,
    "users": _user,
    "roles": _role,
    "classes": _class,
    "enrollments": _enrollment,
    "demographics": _demographics,
    "academicSessions": _session,
}
