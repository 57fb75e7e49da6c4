"""The plain PDFs the adapters write (a bekymringsmelding, a case's archive version): A4, headings
and labelled fields, one after the other.

Made with fpdf2's built-in Helvetica (Latin-1: æ, ø, å and § are in it); a character outside
Latin-1 (a dash, an emoji) is written as its nearest Latin-1 form or "?".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fpdf import FPDF

REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "’": "'", "‘": "'", "…": "..."})


def latin1(text: str) -> str:
    return text.translate(REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


class PlainPdf:
    """One document: ``heading`` and ``field`` write on, ``output`` gives the bytes."""

    def __init__(
        self, title: str, *, creation_date: dt.datetime | None = None, space_before_heading: float = 0
    ) -> None:
        doc: Any = FPDF(format="A4")
        doc.set_title(title)
        doc.set_creator("Stafett")
        if creation_date is not None:
            doc.set_creation_date(creation_date)
        doc.set_auto_page_break(auto=True, margin=15)
        doc.add_page()
        self._doc = doc
        self._width = doc.w - doc.l_margin - doc.r_margin
        self._space_before_heading = space_before_heading

    def heading(self, text: str, size: int = 12) -> None:
        if self._space_before_heading:
            self._doc.ln(self._space_before_heading)
        self._doc.set_font("Helvetica", "B", size)
        self._doc.multi_cell(self._width, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str) -> None:
        """A bold label over its value; an empty value is written "-"."""
        self._doc.set_font("Helvetica", "B", 10)
        self._doc.multi_cell(self._width, 5, latin1(label), new_x="LMARGIN", new_y="NEXT")
        self._doc.set_font("Helvetica", "", 10)
        self._doc.multi_cell(self._width, 5, latin1(value or "-"), new_x="LMARGIN", new_y="NEXT")
        self._doc.ln(1)

    def output(self) -> bytes:
        return bytes(self._doc.output())
