"""Bokmål and nynorsk (docs/languages.md): every text has its nynorsk, and a person reads their choice."""

from __future__ import annotations

from pathlib import Path

import httpx
from babel.messages.extract import extract_from_dir
from sqlalchemy import select

from core import i18n
from core.storage import models as m
from core.web.render import CSRF_COOKIE
from tests.browser import config  # noqa: F401  (this module's municipality: the demo with BTI Agder)
from tests.conftest import World

ROOT = Path(__file__).parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {
    "**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
}


def marked_texts(folder: str) -> dict[str | tuple[str, str], str]:
    """Every text marked for translation under ``folder`` (``_()``, ``ngettext``, ``N_()``, ``{% trans %}``),
    with where it is: what ``pybabel extract -F core/locale/babel.cfg`` would put in a catalogue."""
    found: dict[str | tuple[str, str], str] = {}
    for file, line, message, _comments, _context in extract_from_dir(
        ROOT / folder, METHODS, OPTIONS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key = message if isinstance(message, str) else (message[0], message[1])
        if key:
            found.setdefault(key, f"{folder}/{file}:{line}")
    return found


def test_every_text_of_core_and_the_adapters_has_nynorsk() -> None:
    table = i18n.table(i18n.NYNORSK)
    missing = [
        f"{where}: {text!r}"
        for folder in ("core", "adapters", "contracts")
        for text, where in marked_texts(folder).items()
        if text not in table
    ]
    assert not missing, f"{len(missing)} texts have no nynorsk:\n" + "\n".join(sorted(missing)[:200])


def test_a_text_means_the_same_in_every_catalogue_it_is_in() -> None:
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for path in i18n.catalogue_files():
        with path.open("rb") as file:
            for message in read_po(file):
                if isinstance(message.id, str) and message.id and message.string:
                    before = seen.setdefault(message.id, (str(message.string), path))
                    if before[0] != message.string:
                        clashes.append(
                            f"{message.id!r}: {before[0]!r} ({before[1].name}) / {message.string!r} ({path.name})"  # noqa: E501
                        )
    assert not clashes, "\n".join(clashes)


def test_a_person_chooses_nynorsk_and_keeps_it_on_the_next_login(world: World, site: str) -> None:
    from tests.test_auth_local import login

    with httpx.Client(base_url=site) as client:
        first = login(client, world.teacher, next="/saker")
        assert '<html lang="nb"' in first.text and "Mine saker" in first.text
        chosen = client.post(
            "/maalform", data={"maalform": "nn", "next": "/saker", "csrf": client.cookies.get(CSRF_COOKIE)}
        )
        assert chosen.status_code == 303 and chosen.headers["location"] == "/saker"
        page = client.get("/saker")
        assert (
            '<html lang="nn"' in page.text
            and "Sakene mine</a>" in page.text
            and "Mine saker</a>" not in page.text
        )
        refused = client.post("/maalform", data={"maalform": "sv", "csrf": client.cookies.get(CSRF_COOKIE)})
        assert refused.status_code == 422
    with world.platform.database.session() as session:
        assert session.scalar(select(m.PersonRow.language).where(m.PersonRow.id == world.teacher)) == "nn"
    with httpx.Client(base_url=site) as other_browser:  # another computer: the choice is the person's
        assert "Sakene mine</a>" in login(other_browser, world.teacher, next="/saker").text
    with httpx.Client(base_url=site) as colleague:  # nobody else's pages change
        assert "Mine saker</a>" in login(colleague, world.nurse, next="/saker").text


def test_an_api_client_asks_for_nynorsk_with_accept_language(world: World, site: str) -> None:
    from tests.test_auth_local import login

    with httpx.Client(base_url=site) as client:
        login(client, world.teacher, next="/saker")
        missing = client.get("/api/v1/cases/finnes-ikke", headers={"accept-language": "nn-NO, nb;q=0.5"})
        bokmal = client.get("/api/v1/cases/finnes-ikke")
    assert missing.status_code == bokmal.status_code == 404
    assert missing.headers["content-language"] == "nn" and bokmal.headers["content-language"] == "nb"
    assert missing.json()["title"] != bokmal.json()["title"]
