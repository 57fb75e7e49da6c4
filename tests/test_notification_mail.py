"""Varsler by e-mail through a real SMTP server on loopback: the right person, in bokmål, with a link that
works and nothing that names the child, the family, the concern, a unit or a service; the relay down for
a while and every message arriving once afterwards; a meeting's iCalendar invitation."""

from __future__ import annotations

import datetime as dt
import re
import threading

import httpx
import icalendar
import msgspec
import pytest
from sqlalchemy import select

from core.app import create_app
from core.config import DeploymentConfig, SmtpConfig
from core.notify import sender
from core.storage.models import AuditEventRow
from core.storage.notification_models import NotificationRow
from core.worker import jobs, run_round, scan_all
from tests.conftest import PPT, SCHOOL, World, _is_national_id
from tests.smtp_peer import Arrived, Mailbox, mailing, tls_for_loopback
from tests.test_auth_local import login

MAIL = {  # the people who have an address
    "teacher": "tina@fjordvik.example",
    "leader": "leo@fjordvik.example",
    "ppt": "pia@fjordvik.example",
    "mother": "kari@example.org",
    "father": "per@example.org",
}


@pytest.fixture
def config(mailbox: Mailbox) -> DeploymentConfig:
    return mailing(mailbox, ["bti-standard", "fhir"], "stafett@fjordvik.example")


@pytest.fixture
def mailed(world: World) -> World:
    """The world with e-mail addresses (the mother reserved against digital contact when a test says so)."""
    with world.system() as w:
        for who, address in MAIL.items():
            w.people.set_contact(getattr(world, who), email=address)
    return world


def forbidden(world: World) -> list[re.Pattern[str]]:
    """Whatever would name the child, the family, the people, the concern, a unit or a service."""
    words = ["Ola", "Fjord", "Kari", "Per", "Nils", "Vik", "Tina", "Pia", "Leo", "Ansatt", "PPT", "barnevern",
             "helsestasjon", "skole", "Virker trist", "friminutt"]  # fmt: skip
    units = [u.name for u in world.platform.config.municipalities[0].units]
    patterns = [re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE) for w in [*words, *units]]
    return patterns


def assert_clean(world: World, arrived: Arrived, *, organiser: bool = False) -> None:
    """No personal data anywhere in the message: headers, text and calendar (the organiser's own name is
    allowed in the calendar's ORGANIZER, which is who invites, never whom it is about)."""
    headers = "\n".join(f"{k}: {v}" for k, v in arrived.message.items() if k != "To")  # To: their own address
    lines = (arrived.calendar() or b"").decode().replace("\r\n ", "").splitlines()  # unfolded
    calendar = "\n".join(line for line in lines if not (organiser and line.startswith("ORGANIZER")))
    for address in arrived.to:  # their own address (the calendar's ATTENDEE) is theirs to see
        calendar = calendar.replace(address, "")
    for text in (headers, arrived.text, calendar):
        for pattern in forbidden(world):
            assert not pattern.search(text), f"{pattern.pattern!r} in an e-mail: {text[:400]}"
        numbers = re.findall(r"(?<![0-9])[0-9]{11}(?![0-9])", text)
        assert not [n for n in numbers if _is_national_id(n)], "a fødselsnummer in an e-mail"


def send(world: World) -> int:
    return sender.run(world.platform)


def test_a_handover_email_reaches_the_receiver_in_bokmal_with_a_working_link_and_no_personal_data(
    mailed: World, mailbox: Mailbox, serve_app, monkeypatch
) -> None:
    world = mailed
    site = serve_app(lambda base: create_app(world.platform, public_url=base))
    monkeypatch.setenv("STAFETT_PUBLIC_URL", site)
    case = world.level_2(world.open_case().id)
    mailbox.arrived.clear()
    with world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt, note="Ola trenger PPT nå.")
    send(world)

    [mail] = mailbox.to(MAIL["ppt"])
    assert mail.message["Subject"] == "Noe venter på deg i Stafett"
    assert mail.message["Content-Language"] == "nb"
    assert "Det er noe som venter på deg i Stafett." in mail.text and "Logg inn for å se det" in mail.text
    assert_clean(world, mail)
    [row] = [r for r in rows(world) if r.recipient_id == world.ppt]
    link = f"{site}/varsler/{row.id}"
    assert link in mail.text
    unsubscribe = re.search(r"Meld deg av her: (\S+)", mail.text)[1]  # type: ignore[index]
    assert mail.message["List-Unsubscribe"] == f"<{unsubscribe}>"

    with httpx.Client(base_url=site) as client:  # the link opens the hand-over after login
        login(client, world.ppt, next="/saker")
        opened = client.get(link)
        assert opened.status_code == 303 and opened.headers["location"] == f"/saker/{case.id}#stafett"
        page = client.get(opened.headers["location"])
        assert page.status_code == 200 and "Ta imot stafetten" in page.text
    with httpx.Client() as anyone:  # the unsubscribe link needs no login, and names nobody
        page = anyone.get(unsubscribe)
        assert page.status_code == 200 and "Meld meg av e-post" in page.text and "Pia" not in page.text
        token = anyone.cookies.get("stafett_csrf")
        done = anyone.post(unsubscribe, data={"csrf": token})
        assert done.status_code == 200 and "Du får ikke flere e-poster fra Stafett" in done.text
    with world.as_(world.ppt) as w:
        assert set(w.notifications.preferences().values()) == {"in_app"}


def rows(world: World) -> list[NotificationRow]:
    with world.platform.database.session() as s:
        return list(
            s.scalars(select(NotificationRow).order_by(NotificationRow.created_at, NotificationRow.id))
        )


def audited(world: World) -> list[str]:
    with world.platform.database.session() as s:
        return list(
            s.scalars(select(AuditEventRow.outcome).where(AuditEventRow.action == "notification.send"))
        )


def test_smtp_down_for_a_while_then_every_message_arrives_exactly_once(
    mailed: World, mailbox: Mailbox
) -> None:
    world = mailed
    case = world.level_2(world.open_case().id)
    world.hand_over(case.id, world.ppt, accept=False)
    with world.as_(world.teacher) as w:
        w.meetings.schedule(case.id, kind="collaboration", starts_at=world.clock.now + dt.timedelta(days=3),
                            unit_ids=[SCHOOL, PPT], location="Møterom 2, rådhuset")  # fmt: skip
    mailbox.arrived.clear()
    owed = [r for r in rows(world) if r.email == "pending" and not r.digest]
    assert {r.recipient_id for r in owed} >= {world.ppt, world.teacher, world.leader}

    mailbox.stop()
    assert send(world) == 0  # the relay is down: each tried once, then waits
    assert all(r.attempts == 1 and r.email == "pending" for r in rows(world) if r.id in {o.id for o in owed})
    assert audited(world).count("failed") == len(owed)
    world.clock.advance(seconds=10)
    assert send(world) == 0 and not mailbox.arrived  # not yet due again: back-off
    world.clock.advance(seconds=25)
    assert send(world) == 0  # still down: the second try fails too
    mailbox.start()
    world.clock.advance(minutes=5)
    assert send(world) == len(owed)
    assert send(world) == 0
    world.clock.advance(hours=1)
    assert send(world) == 0
    ids = [a.message["Message-ID"] for a in mailbox.arrived]
    assert len(ids) == len(owed) == len(set(ids))  # every one arrived, and once
    for arrived in mailbox.arrived:
        assert_clean(world, arrived, organiser=True)
    assert audited(world).count("sent") == len(owed)


def test_a_meeting_invitation_carries_time_place_and_organiser_and_is_updated_then_cancelled(
    mailed: World, mailbox: Mailbox
) -> None:
    world = mailed
    case = world.level_2(world.open_case().id)
    starts = dt.datetime(2025, 3, 12, 8, 30, tzinfo=dt.UTC)
    with world.as_(world.teacher) as w:
        meeting = w.meetings.schedule(case.id, kind="collaboration", starts_at=starts, unit_ids=[SCHOOL, PPT],
                                      location="Møterom 2, rådhuset")  # fmt: skip
    mailbox.arrived.clear()
    send(world)
    [invited] = mailbox.to(MAIL["leader"])  # the school's leader; the teacher invited and is not told
    assert not mailbox.to(MAIL["teacher"])
    assert invited.message["Subject"] == "Invitasjon til møte i Stafett"
    assert_clean(world, invited, organiser=True)
    cal = icalendar.Calendar.from_ical(invited.calendar())
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == starts and event.decoded("DTEND") == starts + dt.timedelta(hours=1)
    assert str(event["LOCATION"]) == "Møterom 2, rådhuset"
    assert str(event["SUMMARY"]) == "Møte i Stafett"
    assert str(event["ORGANIZER"]) == f"mailto:{MAIL['teacher']}"
    assert str(event["ORGANIZER"].params["CN"]) == "Tina Ansatt"
    assert str(event["ATTENDEE"]) == f"mailto:{MAIL['leader']}"
    uid = str(event["UID"])
    assert int(event["SEQUENCE"]) == 0

    moved = starts + dt.timedelta(days=1)
    with world.as_(world.teacher) as w:
        w.meetings.reschedule(meeting.id, starts_at=moved, location="Møterom 3, rådhuset")
    send(world)
    [_, changed] = mailbox.to(MAIL["leader"])
    assert changed.message["Subject"] == "Endret møte i Stafett"
    assert_clean(world, changed, organiser=True)
    cal = icalendar.Calendar.from_ical(changed.calendar())
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "REQUEST" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == moved and str(event["LOCATION"]) == "Møterom 3, rådhuset"

    with world.as_(world.teacher) as w:
        w.meetings.cancel(meeting.id)
    send(world)
    [_, _, cancelled] = mailbox.to(MAIL["leader"])
    cal = icalendar.Calendar.from_ical(cancelled.calendar())
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert cancelled.message["Subject"] == "Møte avlyst i Stafett"


def test_preferences_digest_quiet_hours_and_a_reserved_guardian(mailed: World, mailbox: Mailbox) -> None:
    world = mailed
    with world.system() as w:
        w.people.set_contact(world.mother, email=MAIL["mother"], digital_contact_reserved=True)
    case = world.open_case()
    with world.as_(world.teacher) as w:
        w.log.add_note(case.id, "Ola hadde en fin dag.")
        w.log.add_note(case.id, "Ola var med på fotball.")
    mailbox.arrived.clear()
    send(world)
    assert not mailbox.arrived  # the family's entries go in the daily digest, at 07:00
    assert all(r.email == "none" for r in rows(world) if r.recipient_id == world.mother)  # reserved
    world.clock.now = dt.datetime(2025, 3, 4, 6, 0, tzinfo=dt.UTC)  # 07:00 in Oslo
    send(world)
    [digest] = mailbox.to(MAIL["father"])
    assert digest.message["Subject"] == "2 nye varsler i Stafett"
    assert "Det er 2 nye varsler til deg i Stafett." in digest.text
    assert_clean(world, digest)
    assert not mailbox.to(MAIL["mother"])
    with world.as_(world.mother) as w:  # but she sees them in Stafett
        assert w.notifications.unread() == 2

    # Pia wants no e-mail from 08 to 17 (Oslo) and only in Stafett for meetings
    with world.as_(world.ppt) as w:
        w.notifications.choose({"meeting_invited": "in_app"}, (8, 17))
    world.level_2(case.id)
    with world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt)
    world.clock.now = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)  # 10:00 in Oslo: quiet
    send(world)
    assert not mailbox.to(MAIL["ppt"])
    world.clock.now = dt.datetime(2025, 3, 4, 16, 0, tzinfo=dt.UTC)  # 17:00 in Oslo
    send(world)
    assert len(mailbox.to(MAIL["ppt"])) == 1


def test_several_workers_share_the_mail_and_each_message_goes_once(mailed: World, mailbox: Mailbox) -> None:
    world = mailed
    case = world.level_2(world.open_case().id)
    with world.as_(world.teacher) as w:  # forty meetings: the leader is invited to each
        for day in range(40):
            starts = world.clock.now + dt.timedelta(days=day + 1)
            w.meetings.schedule(case.id, kind="collaboration", starts_at=starts, unit_ids=[SCHOOL])
    mailbox.arrived.clear()
    owed = len([r for r in rows(world) if r.email == "pending" and not r.digest])
    faults: list[BaseException] = []

    def worker() -> None:
        try:
            send(world)
        except BaseException as exc:  # a worker that fails would leave its messages leased
            faults.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not faults
    ids = [a.message["Message-ID"] for a in mailbox.arrived]
    assert len(ids) == owed == len(set(ids))


def test_the_worker_runs_every_job_in_one_round(mailed: World, mailbox: Mailbox) -> None:
    world = mailed
    case = world.level_2(world.open_case().id)
    world.measure(case.id, "Fast friminuttsvenn", "Leker med andre", days=5)
    mailbox.arrived.clear()
    done = run_round(world.platform, jobs(world.platform))
    assert set(done) == {"varsler-skann", "varsler-ut", "fhir"}  # the fhir plugin's deliveries too
    assert done["varsler-skann"] >= 1 and done["varsler-ut"] >= 1
    assert [a.message["Subject"] for a in mailbox.to(MAIL["teacher"])] == ["Noe venter på deg i Stafett"]
    again = run_round(world.platform, jobs(world.platform))
    assert again["varsler-skann"] == 0 and again["varsler-ut"] == 0  # nothing told twice
    assert scan_all(world.platform) == 0


def test_stafett_worker_once_runs_a_round_and_says_what_it_did(database_url: str, tmp_path) -> None:
    from click.testing import CliRunner

    from core.cli import main

    result = CliRunner().invoke(main, ["worker", "--once", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "varsler-skann: 0" in result.output  # the demo without [smtp]: no e-mail job
    assert "varsler-ut" not in result.output


def test_the_relay_with_starttls_and_a_login_from_the_config(mailed: World, tmp_path, monkeypatch) -> None:
    """The municipality's relay as production has it: STARTTLS required (its certificate from the
    municipality's CA, given as ``ca_file``) and a login whose password comes from the environment."""
    world = mailed
    context, ca = tls_for_loopback(tmp_path)
    with Mailbox(tls=context, logins={"stafett": "hemmelig"}) as relay:
        smtp = SmtpConfig(
            host="127.0.0.1", port=relay.port, security="starttls", username="stafett", ca_file=str(ca),
            from_address="stafett@fjordvik.example", timeout_seconds=3,
        )  # fmt: skip
        world.platform.config = msgspec.structs.replace(world.platform.config, smtp=smtp)
        case = world.level_2(world.open_case().id)
        with world.as_(world.teacher) as w:
            w.relay_holder.request_handover(case.id, world.ppt)
        monkeypatch.setenv("STAFETT_SMTP_PASSWORD", "feil")
        assert send(world) == 0 and not relay.arrived  # a wrong password: refused, retried later
        monkeypatch.setenv("STAFETT_SMTP_PASSWORD", "hemmelig")
        world.clock.advance(minutes=1)
        assert send(world) >= 1
        assert relay.to(MAIL["ppt"]) and relay.authenticated[-1] == "stafett"
