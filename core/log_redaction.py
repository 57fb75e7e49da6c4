"""No fødselsnummer, D-nummer or token in any log line, whoever logs it (uvicorn's access log too).

A fødselsnummer can reach a URL (a FHIR search, an older client) and a token a header or a query
string; uvicorn's access log writes the full path. ``install`` wraps the log record factory, so every
record of every logger is cleaned when it is made, before any handler or formatter sees it: an
11-digit run becomes ``«fnr»``, a bearer token or JWT ``«token»``, a ``…token=``/``code=`` value ``«…»``.
Arguments are cleaned one by one, so formatters that read ``record.args`` (uvicorn's) still work;
an argument that is no string but prints one (httpx's URL) is replaced by its cleaned text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_PATTERNS = (
    (re.compile(r"(?<![0-9])[0-9]{6}\s?[0-9]{5}(?![0-9])"), "«fnr»"),
    (re.compile(r"\b[Bb]earer\s+[A-Za-z0-9._~+/=-]+"), "Bearer «token»"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "«token»"),
    (re.compile(r"\b((?:[a-z_]*token|code|client_secret|password)=)[^&\s\"']+", re.IGNORECASE), r"\1«…»"),
)
_installed = False


def redact(text: str) -> str:
    """``text`` with every fødselsnummer-like number and token replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _clean(value: Any) -> Any:
    """A string redacted; another object (httpx logs its URL object) as redacted text if it needs it."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (int, float)):
        return value
    text = str(value)
    clean = redact(text)
    return value if clean == text else clean


def install() -> None:
    """Clean every log record from now on (idempotent; the process keeps it)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        record.msg = _clean(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
