"""Checking a filled-in form against its tool's JSON Schema, with errors a municipal employee can read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

_FORMATS = {"date": "en dato (ÅÅÅÅ-MM-DD)", "date-time": "et tidspunkt", "email": "en e-postadresse"}
_TYPES = {
    "string": "tekst",
    "integer": "et heltall",
    "number": "et tall",
    "boolean": "ja eller nei",
    "array": "en liste",
    "object": "et skjema",
    "null": "tomt",
}


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator that also checks formats (dates, e-mail); formats are ignored by default."""
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(v: jsonschema.Draft202012Validator, data: object) -> list[str]:
    """Readable errors, each starting with the field's title and path, sorted by path."""
    out: list[str] = []
    for err in sorted(v.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        out.extend(_explain(err))
    return list(dict.fromkeys(out))  # required errors repeat per missing field; keep each once


def _field(path: list[Any], title: str | None) -> str:
    where = ".".join(str(p) for p in path)
    if title and where:
        return f"«{title}» ({where})"
    return f"«{title}»" if title else (where or "Skjemaet")


def _explain(err: jsonschema.ValidationError) -> Iterator[str]:
    path = list(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    here = _field(path, schema.get("title"))
    kind: object = err.validator
    value: Any = err.validator_value
    instance = err.instance if isinstance(err.instance, dict) else {}
    if kind == "required":
        props = schema.get("properties", {})
        for name in value:
            if name not in instance:
                yield f"{_field([*path, name], props.get(name, {}).get('title'))}: må fylles ut"
    elif kind == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        yield f"{here}: ukjent felt {', '.join(f'«{e}»' for e in extra)}"
    elif kind == "maxLength":
        yield f"{here}: er for lang (høyst {value} tegn)"
    elif kind == "minLength":
        yield f"{here}: må fylles ut" if value == 1 else f"{here}: er for kort (minst {value} tegn)"
    elif kind == "minItems":
        yield f"{here}: må ha minst {value} {'rad' if value == 1 else 'rader'}"
    elif kind == "maxItems":
        yield f"{here}: kan ha høyst {value} rader"
    elif kind == "format":
        yield f"{here}: må være {_FORMATS.get(value, value)}"
    elif kind == "type":
        wanted = value if isinstance(value, list) else [value]
        yield f"{here}: må være {' eller '.join(_TYPES.get(t, str(t)) for t in wanted)}"
    elif kind == "const" and value is True:
        yield f"{here}: må krysses av"
    elif kind in {"enum", "oneOf", "anyOf", "const"}:
        yield f"{here}: har en verdi som ikke er et av valgene"
    elif kind in {"minimum", "exclusiveMinimum"}:
        yield f"{here}: må være minst {value}"
    elif kind in {"maximum", "exclusiveMaximum"}:
        yield f"{here}: kan være høyst {value}"
    else:
        yield f"{here}: er ikke gyldig ({err.message})"
