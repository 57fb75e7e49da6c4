"""A plugin's texts in the reader's written form, for the ones it fills in with values.

A text a plugin hands over as it is (a guide's step, a tool's label) is translated where core shows
it. One a plugin completes with numbers or names (``"{part} av {whole} …"``) must be translated before
the values go in: ``translate(TEMPLATE).format(part=…)``. Plugins import only ``contracts``, so core
installs its translation here when it starts (``core.i18n``); without it, a text stays as written.
The nynorsk is in the plugin's own catalogue (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] = str


def translate(message: str) -> str:
    """``message`` (bokmål) in the written form of whoever is reading now."""
    return _translator(message)


def install(translator: Callable[[str], str]) -> None:
    """Core's hook-up of its catalogues (``core.i18n.gettext``)."""
    global _translator
    _translator = translator
