"""A varsel channel added by a plugin (``notification_channels``): an SMS gateway on loopback gets the
messages of the people who chose SMS, with a link and nothing that names the child, the family, the
concern, a unit or a service; the gateway down for a while and every message arriving once afterwards;
e-mail for whoever lacks a phone number; the choice on the Varsler page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from contracts import NotificationChannel, hookimpl
from core.app import create_app
from core.config import DeploymentConfig
from core.notify import sender
from core.platform import Platform
from core.pluginhost import PluginError
from core.storage.models import AuditEventRow
from core.storage.notification_models import NotificationRow
from tests.conftest import SCHOOL, World, _is_national_id
from tests.sms_peer import Gateway, SmsPlugin
from tests.smtp_peer import Mailbox, mailing
from tests.test_auth_local import login
from tests.test_notification_mail import forbidden

PHONE = {"ppt": "+4791234567", "mother": "+4798765432"}


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with Gateway() as box:
        yield box


@pytest.fixture
def config(mailbox: Mailbox) -> DeploymentConfig:
    return mailing(mailbox, ["bti-standard", "sms"], "stafett@x.example")


@pytest.fixture
def extra_plugins(gateway: Gateway) -> dict[str, object]:
    return {"sms": SmsPlugin(gateway)}


@pytest.fixture
def texting(world: World) -> World:
    """Pia (PPT) and the mother chose SMS; the leader chose SMS too but has no phone number."""
    with world.system() as w:
        w.people.set_contact(world.ppt, email="pia@x.example", phone=PHONE["ppt"])
        w.people.set_contact(world.mother, email=None, phone=PHONE["mother"])
        w.people.set_contact(world.leader, email="leo@x.example")
    for who in ("ppt", "mother", "leader"):
        with world.as_(getattr(world, who)) as w:
            w.notifications.choose_channel("sms")
    return world


def assert_clean(world: World, text: str) -> None:
    for pattern in forbidden(world):
        assert not pattern.search(text), f"{pattern.pattern!r} in an SMS: {text}"
    numbers = re.findall(r"(?<![0-9])[0-9]{11}(?![0-9])", text)
    assert not [n for n in numbers if _is_national_id(n)], "a fødselsnummer in an SMS"


def rows(world: World) -> list[NotificationRow]:
    with world.platform.database.session() as s:
        return list(
            s.scalars(select(NotificationRow).order_by(NotificationRow.created_at, NotificationRow.id))
        )


def sends(world: World) -> list[tuple[str, str]]:
    with world.platform.database.session() as s:
        return list(
            s.execute(
                select(AuditEventRow.outcome, AuditEventRow.reason).where(
                    AuditEventRow.action == "notification.send"
                )
            )
        )


def test_a_handover_reaches_the_receiver_by_sms_with_a_link_and_no_personal_data(
    texting: World, gateway: Gateway, mailbox: Mailbox
) -> None:
    world = texting
    case = world.level_2(world.open_case().id)
    mailbox.arrived.clear()
    with world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt, note="Ola trenger PPT nå.")
    sender.run(world.platform)

    [sms] = gateway.to(PHONE["ppt"])
    [row] = [r for r in rows(world) if r.recipient_id == world.ppt and r.kind == "handover_offered"]
    assert sms["text"].startswith("Det er noe som venter på deg i Stafett")
    assert sms["text"].endswith(f"/varsler/{row.id}") and sms["ref"] == row.id
    assert_clean(world, sms["text"])
    assert (row.email, row.channel) == ("sent", "sms")
    assert not mailbox.to("pia@x.example")  # she chose SMS: no e-mail as well
    assert any(o == "sent" and "kanal sms" in r and world.ppt in r for o, r in sends(world))


def test_sms_gateway_down_for_a_while_then_every_message_arrives_exactly_once(
    texting: World, gateway: Gateway
) -> None:
    world = texting
    case = world.level_2(world.open_case().id)
    with world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt)
        w.log.add_note(case.id, "Ola hadde en fin dag.", shared_with_family=True)
    gateway.arrived.clear()
    owed = [r for r in rows(world) if r.email == "pending" and not r.digest and r.recipient_id == world.ppt]
    assert owed

    gateway.down = True  # 503 for every message
    assert sender.run(world.platform) == 0
    assert all(r.attempts == 1 and r.email == "pending" for r in rows(world) if r.id in {o.id for o in owed})
    gateway.stop()  # then not there at all: the connection is refused
    world.clock.advance(seconds=40)
    assert sender.run(world.platform) == 0
    failures = [o for o, r in sends(world) if "kanal sms" in r]
    assert failures and set(failures) == {"failed"}
    gateway.down = False
    gateway.start()
    world.clock.advance(minutes=5)
    assert sender.run(world.platform) >= len(owed)
    world.clock.advance(hours=30)  # the family's daily digest has gone too, and nothing again
    sender.run(world.platform)
    before = list(gateway.arrived)
    world.clock.advance(hours=1)
    assert sender.run(world.platform) == 0 and gateway.arrived == before
    refs = [m["ref"] for m in gateway.to(PHONE["ppt"])]
    assert sorted(refs) == sorted(o.id for o in owed) and len(refs) == len(set(refs))  # each once
    [digest] = gateway.to(PHONE["mother"])  # the mother has no e-mail: her digest came by SMS
    assert digest["text"].endswith("/varsler")
    for message in gateway.arrived:
        assert_clean(world, message["text"])


def test_without_a_phone_number_the_message_goes_by_email(
    texting: World, gateway: Gateway, mailbox: Mailbox
) -> None:
    world = texting  # the school's leader chose SMS, but Stafett has no phone number for him
    case = world.level_2(world.open_case().id)
    mailbox.arrived.clear()
    with world.as_(world.teacher) as w:
        w.meetings.schedule(case.id, kind="collaboration", starts_at=world.clock.now + dt.timedelta(days=3),
                            unit_ids=[SCHOOL], location="Møterom 2")  # fmt: skip
    sender.run(world.platform)
    [invited] = mailbox.to("leo@x.example")
    assert invited.calendar() is not None
    [row] = [r for r in rows(world) if r.recipient_id == world.leader and r.kind == "meeting_invited"]
    assert (row.email, row.channel) == ("sent", "email")
    assert not [m for m in gateway.arrived if m["ref"] == row.id]


def test_a_person_chooses_the_channel_on_the_varsler_page(world: World, serve_app) -> None:
    site = serve_app(lambda base: create_app(world.platform, public_url=base))
    with httpx.Client(base_url=site) as client:
        page = login(client, world.ppt, next="/varsler")
        assert "Varsler utenfor Stafett kommer som" in page.text
        assert '<option value="sms">SMS</option>' in page.text
        token = client.cookies.get("stafett_csrf")
        saved = client.post("/varsler/innstillinger", data={"csrf": token, "channel": "sms"})
        assert saved.status_code == 303
        wrong = client.post("/varsler/innstillinger", data={"csrf": token, "channel": "brevdue"})
        assert wrong.status_code == 422 and "Velg en av kanalene kommunen har." in wrong.text
    with world.as_(world.ppt) as w:
        assert w.notifications.channel() == "sms"


def test_a_plugin_may_not_take_the_email_channel(config: DeploymentConfig, database_url: str) -> None:
    class Impostor:
        @hookimpl
        def notification_channels(self, municipality):
            return [NotificationChannel(name="email", title="E-post", address="email", send=lambda m: [])]

    with pytest.raises(PluginError, match="«email» er Stafetts egen e-post"):
        Platform.open(config, database_url=database_url, extra_plugins={"sms": Impostor()})
