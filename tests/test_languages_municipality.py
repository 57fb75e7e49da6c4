"""A municipality that writes nynorsk (``language = "nn"`` in its config, docs/languages.md): its people
read nynorsk until they choose otherwise, from the login page on."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from core.config import DeploymentConfig, default_config
from core.web.render import CSRF_COOKIE
from tests.conftest import World
from tests.test_auth_local import login


@pytest.fixture
def config() -> DeploymentConfig:
    base = default_config()
    nynorsk = msgspec.structs.replace(base.municipalities[0], language="nn")
    return msgspec.structs.replace(base, municipalities=[nynorsk])


def test_a_nynorsk_municipality_writes_nynorsk_until_a_person_chooses_bokmal(world: World, site: str) -> None:
    with httpx.Client(base_url=site) as client:
        realm = client.get(client.get("/login", params={"next": "/saker"}).headers["location"])
        assert '<html lang="nn"' in realm.text, "the login page, before anyone is known"
        page = login(client, world.teacher, next="/saker")
        assert page.headers["content-language"] == "nn" and "Sakene mine</a>" in page.text
        chosen = client.post(
            "/maalform", data={"maalform": "nb", "next": "/saker", "csrf": client.cookies.get(CSRF_COOKIE)}
        )
        assert chosen.status_code == 303
        assert "Mine saker</a>" in client.get("/saker").text
    with httpx.Client(base_url=site) as colleague:
        assert "Sakene mine</a>" in login(colleague, world.nurse, next="/saker").text
