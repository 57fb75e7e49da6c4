"""Dates as Norwegians write them: «03.12.2026» (and «3.12.2026», «3/12-2026»), and the ISO form
(2026-12-03) that the API and browsers' own date pickers send. Date fields on the pages are text fields
showing dd.mm.åååå, whatever language the browser itself is set to (a shared computer in English would
show a date picker's mm/dd/yyyy)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

# «3.12.2026», «03.12.2026», «3/12-2026», «3,12,2026» (a phone's number pad), «03122026»
NORWEGIAN = re.compile(
    r"^\s*(\d{1,2})\s*[./\-, ]\s*(\d{1,2})\s*[./\-, ]\s*(\d{4})\s*$|^\s*(\d{2})(\d{2})(\d{4})\s*$"
)


def parse(text: str) -> dt.date:
    """The date in ``text``; ValueError when it is none (also 31.02.2026)."""
    if match := NORWEGIAN.match(text):
        day, month, year = (int(part) for part in match.groups() if part is not None)
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text.strip())


def in_field(value: dt.date | str | None) -> str:
    """A date as a field shows it (dd.mm.åååå); text that is no date (what was typed) as it was."""
    return _shown(value, dt.date.fromisoformat, "%d.%m.%Y")


MOMENT = re.compile(r"^\s*(.+?)\s*(?:,|\s)\s*(?:kl\.?\s*)?(\d{1,2})[.:](\d{2})\s*$", re.IGNORECASE)


def parse_moment(text: str) -> dt.datetime:
    """A date and time of day: «03.12.2026 14.30» (also «kl. 14:30»), or ISO (2026-12-03T14:30);
    without a time zone (the page's, Oslo). ValueError when it is none."""
    if (match := MOMENT.match(text)) and not text.strip()[:4].isdigit():
        day = parse(match[1])
        return dt.datetime(day.year, day.month, day.day, int(match[2]), int(match[3]))
    return dt.datetime.fromisoformat(text.strip())


def moment_in_field(value: dt.datetime | str | None) -> str:
    """A date and time as a field shows it (dd.mm.åååå tt.mm); typed text as it was."""
    return _shown(value, dt.datetime.fromisoformat, "%d.%m.%Y %H.%M")


def _shown(value: dt.date | str | None, iso: Callable[[str], dt.date], shape: str) -> str:
    if not isinstance(value, str):
        return value.strftime(shape) if value else ""
    try:
        return iso(value).strftime(shape)
    except ValueError:
        return value
