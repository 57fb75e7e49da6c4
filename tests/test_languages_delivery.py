"""What Stafett sends out comes in the reader's written form (docs/languages.md): a varsel e-mail and
an SMS in the recipient's own choice (else their municipality's målform), the archive's PDF in the
municipality's målform, and a login error in the form the API client asks for."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from pypdf import PdfReader

from contracts import ChannelMessage, NotificationChannel, hookimpl
from core import i18n
from core.app import create_app
from core.auth import issue_token
from core.config import DeploymentConfig
from core.notify import mail, sender
from core.outbox_worker import run_archive
from core.platform import Platform
from core.storage.models import PersonRow
from tests.archive_support import archive_config, drop, full_case
from tests.conftest import World
from tests.sms_peer import Gateway, SmsPlugin
from tests.smtp_peer import Mailbox, mailing

__all__ = ["drop"]  # the archive tests' fixture

BOKMAL_ONLY = re.compile(r"\b(ikke|jeg|hva|hvem|hvordan|noen|mye|være|ble)\b", re.IGNORECASE)
MAIL = {"mother": "kari@example.org", "father": "per@example.org", "ppt": "pia@fjordvik.example"}


def bokmal_words(text: str) -> list[str]:
    return BOKMAL_ONLY.findall(text)


class NynorskSms(SmsPlugin):
    """The SMS plugin, its text the one core offers channels (``mail.short_text``), in the reader's form."""

    def send(self, messages: list[ChannelMessage]) -> list[str | None]:
        with httpx.Client(timeout=5) as client:
            return [
                None
                if client.post(
                    self.gateway.url, json={"to": m.address, "text": mail.short_text(m), "ref": m.key}
                ).status_code
                == 202
                else "refused"
                for m in messages
            ]

    @hookimpl
    def notification_channels(self, municipality: Any) -> list[NotificationChannel]:
        return [NotificationChannel(name="sms", title="SMS", address="phone", send=self.send)]


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with Gateway() as box:
        yield box


@pytest.fixture
def extra_plugins(gateway: Gateway) -> dict[str, object]:
    return {"sms": NynorskSms(gateway)}


@pytest.fixture
def config(request: pytest.FixtureRequest, mailbox: Mailbox, drop: Path) -> DeploymentConfig:
    """The demo deployment mailing through ``mailbox`` with the SMS channel; for the archive test, the
    archive plugin in a municipality whose målform is nynorsk."""
    if "archive" in request.node.name:
        base = archive_config(drop)
        municipality = msgspec.structs.replace(base.municipalities[0], language="nn")
        return msgspec.structs.replace(base, municipalities=[municipality])
    return mailing(mailbox, ["bti-standard", "sms", "fhir"], "stafett@fjordvik.example")


def choose(world: World, person: str, language: str) -> None:
    with world.as_(person) as w:
        w.people.choose_language(language)


def test_a_guardian_who_chose_nynorsk_gets_her_varsel_email_in_nynorsk_and_her_colleagues_stay_bokmal(
    world: World, mailbox: Mailbox
) -> None:
    with world.system() as w:
        for who, address in MAIL.items():
            w.people.set_contact(getattr(world, who), email=address)
    choose(world, world.mother, "nn")
    case = world.level_2(world.open_case().id)
    with world.as_(world.teacher) as w:
        w.log.add_note(case.id, "Ola hadde en fin dag.", shared_with_family=True)
        w.log.add_note(case.id, "Ola var med på fotball.", shared_with_family=True)
        w.relay_holder.request_handover(case.id, world.ppt)
    mailbox.arrived.clear()
    world.clock.now = dt.datetime(2025, 3, 4, 6, 0, tzinfo=dt.UTC)  # 07:00 in Oslo: the daily digest
    sender.run(world.platform)

    [nynorsk] = mailbox.to(MAIL["mother"])
    assert nynorsk.message["Content-Language"] == "nn"
    count = re.fullmatch(r"(\d+) nye varsel i Stafett", nynorsk.message["Subject"])
    assert count and int(count[1]) > 1
    assert f"Det er {count[1]} nye varsel til deg i Stafett." in nynorsk.text
    assert "Av omsyn til personvernet står det ikkje i e-posten kva det gjeld." in nynorsk.text
    assert "Vil du ikkje ha e-post frå Stafett? Meld deg av her: " in nynorsk.text
    assert not bokmal_words(nynorsk.message["Subject"] + nynorsk.text), nynorsk.text

    [father] = mailbox.to(MAIL["father"])  # his own choice is none, the municipality's is bokmål
    assert father.message["Content-Language"] == "nb"
    assert father.message["Subject"] == f"{count[1]} nye varsler i Stafett"
    assert f"Det er {count[1]} nye varsler til deg i Stafett." in father.text and "ikke" in father.text
    [colleague] = mailbox.to(MAIL["ppt"])
    assert colleague.message["Content-Language"] == "nb"
    assert colleague.message["Subject"] == "Noe venter på deg i Stafett"
    assert "Det er noe som venter på deg i Stafett." in colleague.text


def test_a_meeting_invitation_in_nynorsk(world: World, mailbox: Mailbox) -> None:
    from tests.conftest import PPT, SCHOOL

    with world.system() as w:
        w.people.set_contact(world.leader, email="leo@fjordvik.example")
    choose(world, world.leader, "nn")
    case = world.level_2(world.open_case().id)
    starts = dt.datetime(2025, 3, 12, 8, 30, tzinfo=dt.UTC)
    with world.as_(world.teacher) as w:
        w.meetings.schedule(case.id, kind="collaboration", starts_at=starts, unit_ids=[SCHOOL, PPT])
    mailbox.arrived.clear()
    sender.run(world.platform)
    [invited] = mailbox.to("leo@fjordvik.example")
    assert invited.message["Content-Language"] == "nn"
    assert invited.message["Subject"] == "Invitasjon til møte i Stafett"
    assert "Eit møte er sett opp: 12.03.2025 kl. 09.30. Kalenderinvitasjonen ligg ved." in invited.text
    calendar = (invited.calendar() or b"").decode().replace("\r\n ", "")
    assert "Sjå kva møtet gjeld i Stafett" in calendar and "LOCATION:Sjå Stafett" in calendar
    assert not bokmal_words(invited.text + calendar)


def test_an_sms_in_nynorsk_for_whoever_chose_it(world: World, gateway: Gateway) -> None:
    phones = {"ppt": "+4791234567", "mother": "+4798765432"}
    with world.system() as w:
        for who, phone in phones.items():
            w.people.set_contact(getattr(world, who), email=None, phone=phone)
    for who in phones:
        with world.as_(getattr(world, who)) as w:
            w.notifications.choose_channel("sms")
    choose(world, world.ppt, "nn")
    case = world.level_2(world.open_case().id)
    with world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt)
        w.log.add_note(case.id, "Ola hadde en fin dag.", shared_with_family=True)
    world.clock.now = dt.datetime(2025, 3, 4, 6, 0, tzinfo=dt.UTC)
    sender.run(world.platform)
    [sms] = gateway.to(phones["ppt"])
    assert sms["text"].startswith("Det er noko som ventar på deg i Stafett (")
    assert not bokmal_words(sms["text"])
    [bokmal] = gateway.to(phones["mother"])
    assert bokmal["text"].startswith("Det er noe som venter på deg i Stafett (")


def pdf_text(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_archive_pdf_of_a_closed_case_is_in_the_municipalitys_nynorsk(
    world: World, platform: Platform, drop: Path
) -> None:
    from adapters.archive.drop import FolderDrop

    case_id, _authors = full_case(world)
    with world.as_(world.teacher) as w:
        written = [e.text for e in w.log.entries(case_id) if e.text]
    [_done] = run_archive(platform, FolderDrop(platform))
    text = pdf_text((drop / case_id / "stafettlogg.pdf").read_bytes())
    phrases = ["Stafettlogg - arkivversjon", "Barnet og føresette", "Tenester i saka", "Heile loggen",
               "Undringar og bekymringar", "Tiltak og evalueringar", "skrive av Tina Ansatt"]  # fmt: skip
    for phrase in phrases:
        assert phrase in text, phrase
    assert "skrevet av" not in text and "Hele loggen" not in text
    assert "Ola har fått en fast venn." in text  # what people wrote stays as they wrote it
    labels = text
    for data in sorted(written, key=len, reverse=True):
        labels = labels.replace(" ".join(data.split()), "")
    assert not bokmal_words(labels), (bokmal_words(labels), labels)


def test_an_identity_error_in_nynorsk_with_accept_language_nn(world: World, serve_app) -> None:
    site = serve_app(lambda base: create_app(world.platform, public_url=base))
    token = issue_token(world.platform, world.ppt, public_url=site)
    with world.platform.database.session() as session, session.begin():
        session.get(PersonRow, world.ppt).active = False
    bearer = {"Authorization": f"Bearer {token}"}
    nynorsk = httpx.get(f"{site}/api/v1/me", headers={**bearer, "Accept-Language": "nn-NO, nb;q=0.5"})
    bokmal = httpx.get(f"{site}/api/v1/me", headers=bearer)
    assert nynorsk.status_code == bokmal.status_code == 403
    assert nynorsk.headers["content-language"] == "nn" and bokmal.headers["content-language"] == "nb"
    assert nynorsk.json()["title"] == "Inga tilgang til Stafett"
    assert nynorsk.json()["detail"] == "Brukaren er ikkje registrert som aktiv person i Stafett."
    assert bokmal.json()["detail"] == "Brukeren er ikke registrert som aktiv person i Stafett."
    assert 'error_description="Brukaren er ikkje registrert' in nynorsk.headers["www-authenticate"]
    missing = httpx.get(f"{site}/api/v1/me", headers={"Accept-Language": "nn"})
    assert missing.status_code == 401 and missing.json()["detail"].startswith("Manglar tilgangstoken")
    assert missing.json()["title"] == "Ikkje innlogga"
    with i18n.use("nn"):  # the texts themselves: no bokmål word left
        assert not bokmal_words(nynorsk.json()["detail"] + missing.json()["detail"])


def test_a_fhir_operation_outcome_in_the_language_the_client_asks_for(world: World, serve_app) -> None:
    site = serve_app(lambda base: create_app(world.platform, public_url=base))
    token = issue_token(world.platform, world.ppt, public_url=site)
    bearer = {"Authorization": f"Bearer {token}"}
    anonymous = httpx.get(f"{site}/fhir/R4/Patient", headers={"Accept-Language": "nn"})
    assert anonymous.status_code == 401 and anonymous.headers["content-language"] == "nn"
    [issue] = anonymous.json()["issue"]
    assert issue["diagnostics"] == "Innlogging er påkravd (Authorization: Bearer …)."
    wrong = httpx.get(
        f"{site}/fhir/R4/Patient", params={"name": "Ola"}, headers={**bearer, "Accept-Language": "nn"}
    )
    [issue] = wrong.json()["issue"]
    assert wrong.status_code == 400 and issue["diagnostics"].startswith(
        "Søkjeparameteren «name» er ikkje støtta"
    )
    same = httpx.get(f"{site}/fhir/R4/Patient", params={"name": "Ola"}, headers=bearer)
    assert same.json()["issue"][0]["diagnostics"].startswith("Søkeparameteren «name» støttes ikke")
    assert not bokmal_words(anonymous.text + wrong.text)
