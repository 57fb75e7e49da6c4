"""Issue 13: innsyn shows a family why someone read, as a bokmål sentence, never a route code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar.routes import HTTPRoute

from core.config import default_config
from core.services import purposes
from core.services.lookups import route_purpose
from core.storage.models import PersonRow
from tests.api_support import Api
from tests.conftest import PPT, World

WEB_PAGES = Path(__file__).parent.parent / "core" / "web" / "pages"


@pytest.fixture
def config():
    """The whole demo deployment, every plugin of it, so plugin routes are enumerated too."""
    return default_config()


def route_purposes(app) -> dict[str, str]:
    """Every API route's recorded purpose code -> "METHOD path" (the purpose ``core.api.dependencies``
    records is the route's ``opt["purpose"]``, or its handler name)."""
    out = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/"):
            for handler in route.route_handlers:
                if "uow" not in handler.parsed_fn_signature.parameters:
                    continue  # no unit of work (OPTIONS, the append-only log's 405): nothing audited
                code = handler.opt.get("purpose", handler.handler_name)
                out[code] = f"{sorted(handler.http_methods)} {route.path}"
    return out


def web_purposes() -> set[str]:
    """The purposes the web pages pass to their unit of work (``_run``, ``_act``, ``_family_act``)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(WEB_PAGES.glob("*.py")))
    found = set(re.findall(r'_run\(request, "([^"]+)"', source))
    found |= set(re.findall(r'_act\(request, case_id, [^,]+, "([^"]+)"', source))
    found |= set(re.findall(r'_family_act\(request, case_id, "([^"]+)"', source))
    found |= set(re.findall(r'"([a-z_]+\.[a-z_]+)" if accept else "([a-z_]+\.[a-z_]+)"', source)[0])
    found |= {route_purpose("undring")}
    return found


def test_every_route_purpose_has_a_sentence(app) -> None:
    codes = route_purposes(app)
    assert len(codes) > 40  # the enumeration found the API
    missing = {code: where for code, where in codes.items() if purposes.sentence(code) is None}
    assert not missing, f"give these route purposes a sentence in core/services/purposes.py: {missing}"
    web = web_purposes()
    assert {"case.read", "family.read_case", "handover.accept"} <= web
    assert not [code for code in web if purposes.sentence(code) is None]


def test_describe_keeps_a_callers_own_words_and_never_shows_a_code() -> None:
    assert purposes.describe("case.read_log via API") == "leste stafettloggen"
    assert purposes.describe("family.read_case via web") == "åpnet saken på Min side"
    assert purposes.describe("person.lookup:undring via API") == "slo opp barnet for å registrere en undring"
    assert (
        purposes.describe("Forberede møtet (med PPT) (case.read_log via API)")
        == "Forberede møtet (med PPT) (leste stafettloggen)"
    )
    for stored in ("seed", "ukjent.rute via API", "x (y via API)", ""):
        assert purposes.describe(stored) == purposes.FALLBACK


def test_the_family_reads_sentences_in_innsyn(api: Api, world: World) -> None:
    case = world.open_case()
    world.level_2(case.id, PPT)
    ppt, teacher = api.as_(world.ppt), api.as_(world.teacher)
    assert ppt.get(f"/api/v1/cases/{case.id}/log").status_code == 200
    header = {"X-Stafett-Purpose": "Forberede møtet".encode()}  # UTF-8, as a client sends æøå
    assert ppt.get(f"/api/v1/cases/{case.id}", headers=header).status_code == 200
    with world.platform.database.session() as session:
        number = session.get_one(PersonRow, world.child).national_id
    looked_up = teacher.post("/api/v1/people/lookup", {"national_id": number, "purpose": "undring"})
    assert looked_up.status_code == 200

    items = api.as_(world.mother).ok("GET", f"/api/v1/cases/{case.id}/access-log?limit=200")["items"]
    shown = {i["purpose"] for i in items}
    assert {"leste stafettloggen", "Forberede møtet (åpnet saken)"} <= shown
    assert "slo opp barnet for å registrere en undring" in shown
    assert not [p for p in shown if "via API" in p or re.search(r"\b[a-z_]+\.[a-z_]+\b", p)]
    # the audit trail itself keeps what was recorded
    assert api.audit_count(actor_id=world.ppt, purpose="case.read_log via API") >= 1
