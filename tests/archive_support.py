"""What the archive and retention tests share: a deployment with the archive plugin on, a case with every
kind of content, KS's XSDs loaded offline, and the archive system's answer written the way it writes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from adapters.archive import plugin as archive_plugin
from contracts import MeetingKind, ServiceType
from core.config import DeploymentConfig, UnitConfig, default_config
from tests.conftest import PPT, World

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs" / "fiks-arkiv-v1"
ARCHIVE_UNIT = "fjordvik-dokumentsenter"
PLUGINS = {"archive": archive_plugin}
ENTRY_TEXTS = (
    "Ola virker trist i friminuttene og sitter alene.",
    "Samtale med Kari om søvn og morgenrutiner.",
    "Ola lo høyt i gymtimen i dag.",
    "Tusen takk, det går bedre hjemme nå.",
)


def archive_config(drop: Path, **settings: str) -> DeploymentConfig:
    """The demo municipality with the archive plugin on and its dokumentsenter taking archive versions."""
    base = default_config()
    municipality = base.municipalities[0]
    unit = UnitConfig(
        id=ARCHIVE_UNIT,
        name="Fjordvik dokumentsenter",
        service_type=ServiceType.OTHER,
        adapters={"archive": {"target": f"file:{drop}", **settings}},
    )
    municipality = msgspec.structs.replace(
        municipality, plugins=["bti-standard", "archive"], units=[*municipality.units, unit]
    )
    return msgspec.structs.replace(base, municipalities=[municipality])


def schema(name: str = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd") -> etree.XMLSchema:
    """One of KS's XSDs, its imports resolved in the folder (no network)."""
    return etree.XMLSchema(etree.parse(str(SPECS / name)))


def full_case(world: World) -> tuple[str, dict[str, str]]:
    """A case with concerns, a note, a bright moment, a tiltak evaluated, a consent, PPT taking part, a
    meeting and a family comment, closed; returns the case and the texts written by whom."""
    case_id = world.open_case().id
    with world.as_(world.teacher) as w:
        w.cases.add_concern(case_id, observation=ENTRY_TEXTS[0])
    world.level_2(case_id)
    with world.as_(world.teacher) as w:
        w.log.add_note(case_id, ENTRY_TEXTS[1])
        w.log.add_note(case_id, ENTRY_TEXTS[2], bright_moment=True)
        w.meetings.schedule(
            case_id,
            kind=MeetingKind.COLLABORATION,
            starts_at=world.clock.now + dt.timedelta(days=1),
            unit_ids=[PPT],
            summary="Samarbeidsmøte med PPT om tilrettelegging.",
        )
    measure = world.measure(case_id, "Fast friminuttsvenn", "Ola leker med andre tre friminutt i uka.")
    world.clock.advance(days=14)
    with world.as_(world.teacher) as w:
        w.measures.evaluate(measure.id, outcome="achieved", summary="Ola har fått en fast venn.")
    with world.as_(world.mother) as w:
        w.log.family_comment(case_id, ENTRY_TEXTS[3])
    with world.as_(world.teacher, "avslutning") as w:
        w.cases.close(case_id, "resolved", note="Målet er nådd.")
    return case_id, {"teacher": "Tina Ansatt", "mother": "Kari Fjord"}


def answer(folder: Path, *, year: int = 2025, number: int = 417, failed: str = "") -> None:
    """What the archive system writes back in a case's folder: KS's arkivmeldingKvittering."""
    ns = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    if failed:
        body = f"<mappeFeilet><feilId>1</feilId><feilmelding>{failed}</feilmelding></mappeFeilet>"
    else:
        body = (
            '<mappeKvittering xsi:type="saksmappeKvittering">'
            "<systemID>3f2b6f7e-2d4c-4e62-9a7a-1c3a5b6d7e8f</systemID>"
            "<opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende>"
            f"<saksaar>{year}</saksaar><sakssekvensnummer>{number}</sakssekvensnummer></mappeKvittering>"
        )
    root = f'arkivmeldingKvittering xmlns="{ns}" xmlns:xsi="{xsi}"'
    xml = f'<?xml version="1.0" encoding="utf-8"?><{root}>{body}</arkivmeldingKvittering>'
    (folder / "kvittering.xml").write_text(xml, encoding="utf-8")


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    """The folder the archive takes its deliveries from."""
    return tmp_path / "arkiv"


@pytest.fixture
def config(drop: Path) -> DeploymentConfig:
    """The demo municipality with the archive plugin delivering to ``drop``."""
    return archive_config(drop)
