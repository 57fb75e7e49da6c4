"""Bokmål and nynorsk: the two written forms every text a person reads comes in (docs/languages.md).

The source text is bokmål: ``_("Saken er avsluttet.")`` returns it unchanged for a bokmål reader and
its nynorsk from the catalogues for a nynorsk reader. The catalogues are gettext ``.po`` files read
with Babel, core's in ``core/locale/nn/LC_MESSAGES/`` and each plugin's in ``<plugin>/locale/nn/
LC_MESSAGES/``, merged into one table per process; a text a plugin supplies as data (a guide's step, a
tool's field) is translated the same way, with its bokmål as the key. Which form a request reads is set
once per request (``use``) from the person's own choice, else the municipality's målform.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType

from babel.messages.pofile import read_po

from contracts import texts

BOKMAL, NYNORSK = "nb", "nn"
LOCALES = (BOKMAL, NYNORSK)
NAMES = {BOKMAL: "Bokmål", NYNORSK: "Nynorsk"}  # each in its own words: the choice reads the same in both
CORE_TEXTS = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("stafett_locale", default=BOKMAL)
_folders: list[Path] = [CORE_TEXTS]
_lock = threading.Lock()

Table = Mapping[str | tuple[str, str], str | tuple[str, ...]]


def current() -> str:
    return _current.get()


def valid(locale: str | None) -> str | None:
    """``locale`` if it is one Stafett writes (``nb``/``nn``, also as ``nn-NO`` or ``nn_NO``), else None."""
    if not locale:
        return None
    short = locale.strip().lower().replace("_", "-").split("-")[0]
    return short if short in LOCALES else None


def choose(*preferences: str | None) -> str:
    """The first valid of ``preferences`` (the person's choice, the municipality's målform), else bokmål."""
    for preference in preferences:
        if locale := valid(preference):
            return locale
    return BOKMAL


@contextlib.contextmanager
def use(locale: str | None) -> Iterator[str]:
    """Texts inside the block are in ``locale`` (a request, an e-mail to one person, a PDF)."""
    token = _current.set(choose(locale))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def add_texts_of(plugin: object) -> None:
    """Merge a plugin's catalogues: a ``locale`` folder beside the module that registered it."""
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    file = getattr(module, "__file__", None)
    if not file:
        return
    for folder in (Path(file).parent, Path(file).parent.parent):
        texts = folder / "locale"
        if texts.is_dir() and texts not in _folders:
            with _lock:
                _folders.append(texts)
                table.cache_clear()
            return


def catalogue_files(locale: str = NYNORSK) -> list[Path]:
    return sorted(p for folder in _folders for p in (folder / locale / "LC_MESSAGES").glob("*.po"))


@functools.cache
def table(locale: str) -> Table:
    """Every translated message of ``locale``: bokmål msgid (or singular and plural) -> text (or forms)."""
    out: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for path in catalogue_files(locale):
        with path.open("rb") as file:
            for message in read_po(file, locale=locale):
                if not message.id or not message.string or message.fuzzy:
                    continue
                if isinstance(message.id, (tuple, list)):
                    forms = tuple(message.string)
                    if all(forms):
                        out[(message.id[0], message.id[1])] = forms
                elif isinstance(message.string, str):
                    out[message.id] = message.string
    return out


def gettext(message: str) -> str:
    """``message`` (bokmål) in the current locale; a text without a translation stays bokmål."""
    locale = _current.get()
    if locale == BOKMAL or not message:
        return message
    found = table(locale).get(message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` (both written forms have Norwegian's two plural forms)."""
    locale = _current.get()
    if locale != BOKMAL and isinstance(found := table(locale).get((singular, plural)), tuple):
        return found[0 if n == 1 else 1]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined (a constant); ``_()`` translates it in use."""
    return message


_ = gettext
texts.install(gettext)  # plugins' texts filled in with values (contracts.texts.translate)
