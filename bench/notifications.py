"""Varsler: e-mails sent per second to a local SMTP server, and the time of the scheduled scans.

    .venv/bin/python -m bench.notifications [--scales small] [--messages 2000] [--database-url URL]

For each data set of ``bench.datasets.SCALES`` (seeded through Stafett's own services into a temporary
SQLite file, or the empty PostgreSQL database given): the scheduled scans of every municipality
(``stafett worker``'s ``varsler-skann``: due and overdue evaluations, consents ending and ended, cases
without a stafettholder, consents waiting for a giver), run twice: the first writes what is due, the
second finds the same and writes nothing. They run as of ``--ahead`` days after the seed, so its
evaluation dates and consents have come due. Then ``--messages`` varsler to 100 employees with an address,
sent by the worker's e-mail job (lease, compose, SMTP, mark sent and audit, one transaction per e-mail)
to an aiosmtpd server on loopback; the floor is smtplib sending as many plain messages over one
connection to the same server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import smtplib
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import msgspec
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from bench import datasets
from contracts import CaseStatus, MeasureStatus, PersonKind
from core.config import SmtpConfig
from core.domain.policy import Actor
from core.notify import sender
from core.notify.writer import Notice, store
from core.platform import Platform, utcnow
from core.storage import models as m
from core.worker import scan_all
from tests.processes import free_port


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def floor(port: int, n: int) -> float:
    """Plain messages per second over one smtplib connection: what the SMTP round trip alone allows."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(n):
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = "stafett@bench.example", f"p{i}@bench.example", "Stafett"
            msg.set_content("Det er noe som venter på deg i Stafett.")
            smtp.send_message(msg)
    return n / (time.perf_counter() - start)


def run(scale: str, messages: int, ahead: int, database_url: str | None, workdir: Path) -> dict[str, str]:
    url = database_url or f"sqlite:///{workdir / f'{scale}.db'}"
    data = datasets.SCALES[scale](url)
    port = free_port()
    config = datasets._config(data.config)
    config = msgspec.structs.replace(config, smtp=SmtpConfig(host="127.0.0.1", port=port, security="none"))
    later = dt.timedelta(days=ahead)  # the scans run as of that day, so the seed's dates have come due
    platform = Platform.open(config, database_url=url, clock=lambda: utcnow() + later)
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with platform.database.session() as s:
            cases = s.scalar(select(func.count()).where(m.CaseRow.status == CaseStatus.OPEN)) or 0
            measures = s.scalar(select(func.count()).where(m.MeasureRow.status == MeasureStatus.ACTIVE)) or 0
        start = time.perf_counter()
        found = scan_all(platform)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = scan_all(platform)
        second = time.perf_counter() - start

        mid = platform.config.municipalities[0].id
        with platform.work(Actor.system(mid, operator="bench"), "benchmark") as w:
            people = w.session.scalars(
                select(m.PersonRow.id)
                .where(m.PersonRow.municipality_id == mid, m.PersonRow.kind == PersonKind.EMPLOYEE)
                .limit(100)
            ).all()
            for i, pid in enumerate(people):
                w.people.set_contact(pid, email=f"ansatt{i}@bench.example")
            kind = w.plugins.notification_kinds["handover_offered"]
            store(
                w.uow,
                [
                    Notice(recipient_id=people[i % len(people)], kind=kind, key=f"bench:{i}", link="/saker")
                    for i in range(messages)
                ],
            )
        counter.count = 0
        start = time.perf_counter()
        sent = sender.run(platform)
        elapsed = time.perf_counter() - start
        assert sent == counter.count == messages, (sent, counter.count, messages)
        plain = floor(port, messages)
    finally:
        controller.stop()
        platform.close()
    rate = sent / elapsed
    return {
        "open cases / active measures": f"{cases:,} / {measures:,}",
        "scan, first run (varsler written)": f"{first * 1000:,.0f} ms ({found:,})",
        "scan, second run (nothing new)": f"{second * 1000:,.0f} ms ({again:,})",
        "smtplib, plain messages (floor)": f"{plain:,.0f} /s",
        "worker e-mail job": f"{rate:,.0f} /s ({rate / plain:.0%} of floor)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    datasets.add_scale_options(parser)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--ahead", type=int, default=45, help="days after the seed that the scans run as of")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    scales = datasets.chosen_scales(args.scales)
    results: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="stafett-bench-") as tmp:
        for name in scales:
            print(f"{dt.datetime.now():%H:%M:%S} {name} …", file=sys.stderr)
            results[name] = run(name, args.messages, args.ahead, args.database_url, Path(tmp))
    rows = list(next(iter(results.values())))
    print("| | " + " | ".join(results) + " |")
    print("|---|" + "--:|" * len(results))
    for row in rows:
        print(f"| {row} | " + " | ".join(r[row] for r in results.values()) + " |")


if __name__ == "__main__":
    main()
