"""Building blocks for a tool's form (``ToolDefinition.form_schema``): JSON Schemas with titles in bokmål.

Shared by the national baseline and the regional plugins, so a form field is written once. Field names
are stable ASCII keys; titles and descriptions are what people read. Every object forbids unknown
fields and every text has a maximum length, so a form is checked, not trusted.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import msgspec

from .guides import ToolDefinition

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SHORT, MEDIUM, LONG = 200, 2000, 8000


def _described(field: dict[str, Any], description: str) -> dict[str, Any]:
    return field | ({"description": description} if description else {})


def text(title: str, max_length: int = MEDIUM, description: str = "") -> dict[str, Any]:
    field = {"type": "string", "title": title, "minLength": 1, "maxLength": max_length}
    return _described(field, description)


def date(title: str, description: str = "") -> dict[str, Any]:
    return _described({"type": "string", "format": "date", "title": title}, description)


def yes_no(title: str, description: str = "") -> dict[str, Any]:
    return _described({"type": "boolean", "title": title}, description)


def choice(title: str, options: dict[str, str]) -> dict[str, Any]:
    """One of fixed values; each value carries its label, so forms show words, not codes."""
    return {"title": title, "oneOf": [{"const": value, "title": label} for value, label in options.items()]}


def listing(title: str, items: dict[str, Any], min_items: int = 0, max_items: int = 50) -> dict[str, Any]:
    return {"type": "array", "title": title, "items": items, "minItems": min_items, "maxItems": max_items}


def form(title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A whole form: an object of ``properties`` that refuses any other field."""
    return {
        "$schema": DRAFT,
        "type": "object",
        "title": title,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def obj(title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An object inside a form (a row of a list, say): ``form`` without the ``$schema``."""
    schema = form(title, properties, required)
    del schema["$schema"]
    return schema


def agree(title: str) -> dict[str, Any]:
    """A box that must be ticked for the form to be accepted (the giver knows they may withdraw, say)."""
    return {"type": "boolean", "const": True, "title": title}


LENGTHS = {"short": SHORT, "medium": MEDIUM, "long": LONG}


def field(spec: dict[str, Any]) -> dict[str, Any]:
    """One field from its data form: the helper's name as the key of its title, the rest its arguments.

    ``{text = "Tiltak", length = "short"}``, ``{date = "Frist"}``, ``{choice = "Rolle", options = {…}}``,
    ``{list = "Deltakere", of = {…}, min_items = 1}``, ``{object = "Avtale", fields = {…}, required = […]}``.
    """
    spec = dict(spec)
    kinds = [kind for kind in ("text", "date", "yes_no", "agree", "choice", "list", "object") if kind in spec]
    if len(kinds) != 1:
        raise ValueError(f"a field names exactly one kind (text, date, …), not {sorted(spec)}")
    kind, title = kinds[0], spec.pop(kinds[0])
    if kind == "text":
        length = spec.pop("length", MEDIUM)
        built = text(title, LENGTHS.get(length, length), spec.pop("description", ""))
    elif kind in ("date", "yes_no"):
        built = (date if kind == "date" else yes_no)(title, spec.pop("description", ""))
    elif kind == "agree":
        built = agree(title)
    elif kind == "choice":
        built = choice(title, spec.pop("options"))
    elif kind == "list":
        built = listing(title, field(spec.pop("of")), spec.pop("min_items", 0), spec.pop("max_items", 50))
    else:
        built = obj(title, fields(spec.pop("fields")), spec.pop("required"))
    if spec:
        raise ValueError(f"«{title}»: unknown {sorted(spec)}")
    return built


def fields(specs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {name: field(spec) for name, spec in specs.items()}


def load_tools(path: Path) -> list[ToolDefinition]:
    """A plugin's tools from a TOML file: per ``[[tool]]`` the definition, its ``form`` title, ``fields``
    (in order) and ``required``; levels by number (0–3). Refuses anything it does not know."""
    tools = []
    for spec in tomllib.loads(path.read_text(encoding="utf-8")).pop("tool"):
        schema = form(spec.pop("form", spec["title"]), fields(spec.pop("fields")), spec.pop("required"))
        tools.append(msgspec.convert(spec | {"form_schema": schema}, ToolDefinition))
    return tools
