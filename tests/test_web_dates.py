"""Dates as Norwegians write them (core/web/dates.py): typed as 24.12.2026 in a page's form, shown back
as dd.mm.åååå whatever the browser's own language, and a date that does not exist refused in words."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from core.web import dates
from core.web.render import CSRF_COOKIE
from tests.browser import config  # noqa: F401  (the demo municipality with BTI Agder)
from tests.conftest import World


@pytest.mark.parametrize(
    "typed",
    ["24.12.2026", "24.12.2026 ", "24/12-2026", "24,12,2026", "24122026", "2026-12-24", " 24. 12. 2026"],
)
def test_the_ways_people_type_a_date_are_read(typed: str) -> None:
    assert dates.parse(typed) == dt.date(2026, 12, 24)


@pytest.mark.parametrize("typed", ["31.02.2026", "24.12.26", "24.12", "i morgen", "2026-13-01"])
def test_what_is_no_date_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        dates.parse(typed)


def test_a_date_and_time_is_read_with_a_dot_or_a_colon() -> None:
    assert dates.parse_moment("24.12.2026 kl. 14.30") == dt.datetime(2026, 12, 24, 14, 30)
    assert dates.parse_moment("24.12.2026 9:05") == dt.datetime(2026, 12, 24, 9, 5)
    assert dates.parse_moment("2026-12-24T14:30") == dt.datetime(2026, 12, 24, 14, 30)
    with pytest.raises(ValueError):
        dates.parse_moment("24.12.2026")


def test_a_tiltak_gets_its_dates_typed_the_norwegian_way(world: World, site: str) -> None:
    from tests.test_auth_local import login

    case = world.open_case()
    world.level_1(case.id)
    with httpx.Client(base_url=site, headers={"accept-language": "en-US"}) as browser_in_english:
        page = login(browser_in_english, world.teacher, next=f"/saker/{case.id}")
        shown = re.search(r'id="measure-start" name="start_date" type="text" value="([^"]*)"', page.text)
        assert shown and re.fullmatch(r"\d\d\.\d\d\.\d{4}", shown[1]), "today, as dd.mm.åååå"
        assert "Skriv som dd.mm.åååå." in page.text
        form = {
            "csrf": browser_in_english.cookies.get(CSRF_COOKIE),
            "title": "Fast voksen i friminuttene",
            "goal": "Ola leker med andre",
            "responsible_id": world.teacher,
            "start_date": "3.12.2026",
            "evaluation_date": "31.02.2027",
        }
        refused = browser_in_english.post(f"/saker/{case.id}/tiltak", data=form)
        assert refused.status_code == 422
        assert "«Evalueres» må være en dato, som 24.12.2026." in refused.text
        assert 'value="31.02.2027"' in refused.text, "what was typed is shown again to be corrected"
        done = browser_in_english.post(
            f"/saker/{case.id}/tiltak", data={**form, "evaluation_date": "14.01.2027"}
        )
        assert done.status_code == 303
    with world.as_(world.teacher) as w:
        (measure,) = w.measures.list(case.id)
    assert (measure.start_date, measure.evaluation_date) == (dt.date(2026, 12, 3), dt.date(2027, 1, 14))
