"""Checking a filled-in form against its tool's JSON Schema, with errors a municipal employee can read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

from core.i18n import N_, _, ngettext

_FORMATS = {
    "date": N_("en dato (ÅÅÅÅ-MM-DD)"),
    "date-time": N_("et tidspunkt"),
    "email": N_("en e-postadresse"),
}
_TYPES = {
    "string": N_("tekst"),
    "integer": N_("et heltall"),
    "number": N_("et tall"),
    "boolean": N_("ja eller nei"),
    "array": N_("en liste"),
    "object": N_("et skjema"),
    "null": N_("tomt"),
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
    """The field as «title» (path); a plugin's title is translated with its bokmål as the key."""
    where = ".".join(str(p) for p in path)
    if title and where:
        return f"«{_(title)}» ({where})"
    return f"«{_(title)}»" if title else (where or _("Skjemaet"))


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
                field = _field([*path, name], props.get(name, {}).get("title"))
                yield _("{field}: må fylles ut").format(field=field)
    elif kind == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        yield _("{field}: ukjent felt {names}").format(field=here, names=", ".join(f"«{e}»" for e in extra))
    elif kind == "maxLength":
        yield _("{field}: er for lang (høyst {value} tegn)").format(field=here, value=value)
    elif kind == "minLength":
        if value == 1:
            yield _("{field}: må fylles ut").format(field=here)
        else:
            yield _("{field}: er for kort (minst {value} tegn)").format(field=here, value=value)
    elif kind == "minItems":
        yield ngettext(
            "{field}: må ha minst {value} rad", "{field}: må ha minst {value} rader", value
        ).format(field=here, value=value)
    elif kind == "maxItems":
        yield _("{field}: kan ha høyst {value} rader").format(field=here, value=value)
    elif kind == "format":
        wanted = _(_FORMATS[value]) if value in _FORMATS else value
        yield _("{field}: må være {kind}").format(field=here, kind=wanted)
    elif kind == "type":
        wanted = value if isinstance(value, list) else [value]
        kinds = _(" eller ").join(_(_TYPES[t]) if t in _TYPES else str(t) for t in wanted)
        yield _("{field}: må være {kind}").format(field=here, kind=kinds)
    elif kind == "const" and value is True:
        yield _("{field}: må krysses av").format(field=here)
    elif kind in {"enum", "oneOf", "anyOf", "const"}:
        yield _("{field}: har en verdi som ikke er et av valgene").format(field=here)
    elif kind in {"minimum", "exclusiveMinimum"}:
        yield _("{field}: må være minst {value}").format(field=here, value=value)
    elif kind in {"maximum", "exclusiveMaximum"}:
        yield _("{field}: kan være høyst {value}").format(field=here, value=value)
    else:
        yield _("{field}: er ikke gyldig ({why})").format(field=here, why=err.message)
