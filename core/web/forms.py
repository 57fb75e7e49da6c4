"""A tool's JSON Schema as accessible HTML form fields, and a submitted form back into the tool's data.

The schema's words (titles, descriptions, the options' titles) are the plugin's bokmål, shown in the
reader's written form from the plugin's catalogue.

Fields are named by their path (``f.tiltak.0.mal``). Lists get a few empty rows, because a page
must work without JavaScript; rows left empty are dropped. Checking is the plugin host's
(``validate_form``), so the page, the API and the service judge a form the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.i18n import gettext
from core.web import dates

PREFIX = "f"
LONG_TEXT = 300  # longer texts than this get a textarea
EXTRA_ROWS = 1


@dataclass
class Field:
    name: str
    id: str
    label: str
    kind: str  # text | textarea | date | number | checkbox | radio | checkboxes | rows | group
    required: bool = False
    description: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = ""
    children: list[Field] = field(default_factory=list)
    max_length: int | None = None


def choices(schema: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    options = schema.get("oneOf") or schema.get("anyOf")
    if options and all("const" in o for o in options):
        return [(str(o["const"]), gettext(str(o.get("title", o["const"])))) for o in options]
    if "enum" in schema:
        return [(str(v), str(v)) for v in schema["enum"]]
    return None


def fields(schema: Mapping[str, Any], values: Mapping[str, Sequence[str]], id_prefix: str) -> list[Field]:
    """The fields of an object schema, filled with ``values`` (the raw submission, for re-showing)."""
    return _object(schema, PREFIX, values, id_prefix)


def _object(schema: Mapping[str, Any], path: str, values, id_prefix: str) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        _field(sub, f"{path}.{key}", key in required, values, id_prefix)
        for key, sub in schema.get("properties", {}).items()
    ]


def _field(schema: Mapping[str, Any], name: str, required: bool, values, id_prefix: str) -> Field:
    fid = f"{id_prefix}-{name.replace('.', '-')}"
    label = gettext(str(schema.get("title") or name.rsplit(".", 1)[-1]))  # the plugin's words, translated
    description: Any = schema.get("description", "")
    base: dict[str, Any] = dict(
        name=name, id=fid, label=label, required=required, description=gettext(description) or description
    )
    given = list(values.get(name, []))
    options = choices(schema)
    if options is not None:
        return Field(kind="radio", options=options, value=given[0] if given else "", **base)
    kind = schema.get("type")
    if kind == "boolean":
        return Field(kind="checkbox", value=bool(given and given[0]), **base)
    if kind in ("integer", "number"):
        return Field(kind="number", value=given[0] if given else "", **base)
    if kind == "array":
        return _array(schema, name, base, values, id_prefix)
    if kind == "object":
        return Field(kind="group", children=_object(schema, name, values, id_prefix), **base)
    if schema.get("format") == "date":
        return Field(kind="date", value=given[0] if given else "", **base)
    max_length = schema.get("maxLength")
    kind = "textarea" if max_length is None or max_length > LONG_TEXT else "text"
    return Field(kind=kind, value=given[0] if given else "", max_length=max_length, **base)


def _array(schema, name: str, base: dict, values, id_prefix: str) -> Field:
    items = schema.get("items", {})
    options = choices(items)
    if options is not None:
        return Field(kind="checkboxes", options=options, value=list(values.get(name, [])), **base)
    low, high = int(schema.get("minItems", 0)), int(schema.get("maxItems", 50))
    submitted = _row_count(name, values)
    count = min(high, max(submitted, max(low, 1) + EXTRA_ROWS))
    item_title = gettext(str(items.get("title") or base["label"]))
    rows = []
    for i in range(count):
        row = _field(items, f"{name}.{i}", False, values, id_prefix)
        row.label = f"{item_title} {i + 1}"
        rows.append(row)
    return Field(kind="rows", children=rows, **base)


def _row_count(name: str, values: Mapping[str, Sequence[str]]) -> int:
    prefix = f"{name}."
    indexes = [k[len(prefix) :].split(".", 1)[0] for k in values if k.startswith(prefix)]
    return max((int(i) + 1 for i in indexes if i.isdigit()), default=0)


def parse(schema: Mapping[str, Any], form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The tool's data from a submission: empty fields left out, so the schema says what is missing."""
    return _parse_object(schema, PREFIX, form)


def _parse_object(schema, path: str, form) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, sub in schema.get("properties", {}).items():
        value = _parse(sub, f"{path}.{key}", form)
        if value is not None:
            out[key] = value
    return out


def _parse(schema, name: str, form) -> Any:
    given = [v.strip() for v in form.get(name, [])]
    kind = schema.get("type")
    if choices(schema) is not None:
        return given[0] if given and given[0] else None
    if kind == "boolean":
        return bool(given and given[0])
    if kind == "array":
        items = schema.get("items", {})
        if choices(items) is not None:
            picked = [v for v in given if v]
            return picked or None
        rows = [_parse(items, f"{name}.{i}", form) for i in range(_row_count(name, form))]
        rows = [r for r in rows if not _empty(r)]
        return rows or None
    if kind == "object":
        return _parse_object(schema, name, form) or None
    if not given or not given[0]:
        return None
    if schema.get("format") == "date":
        try:
            return dates.parse(given[0]).isoformat()  # typed as 24.12.2026; the schema wants ISO
        except ValueError:
            return given[0]  # the schema check names the field
    if kind in ("integer", "number"):
        try:
            return int(given[0]) if kind == "integer" else float(given[0].replace(",", "."))
        except ValueError:
            return given[0]  # the schema check names the field
    return given[0]


def _empty(value: Any) -> bool:
    """A row nobody filled in: nothing but unticked boxes."""
    if isinstance(value, dict):
        return all(v is False or _empty(v) for v in value.values())
    return value in (None, "", [])
