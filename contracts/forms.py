"""Building blocks for a tool's form (``ToolDefinition.form_schema``): JSON Schemas with titles in bokmål.

Shared by the national baseline and the regional plugins, so a form field is written once. Field names
are stable ASCII keys; titles and descriptions are what people read. Every object forbids unknown
fields and every text has a maximum length, so a form is checked, not trusted.
"""

from __future__ import annotations

from typing import Any

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
