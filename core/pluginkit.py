"""``stafett plugins new NAME``: a working plugin skeleton that installs, loads and passes its own test.

The skeleton is a Python distribution ``stafett-NAME`` with the module ``stafett_NAME``,
registered in the entry-point group ``stafett`` under ``NAME``; its test uses the fixtures of
``core.testing`` (the ``stafett`` pytest plugin). See docs/plugins.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

PYPROJECT = Template("""\
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "stafett-$name"
version = "0.1.0"
description = "Stafett-programtillegg «$name»: verktøy og møtearena."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["stafett"]

[project.optional-dependencies]
test = ["pytest>=8"]

# Stafett finds the plugin by this entry point; a municipality's config enables it by the name "$name".
[project.entry-points.stafett]
$name = "$module"

[tool.setuptools]
packages = ["$module"]

[tool.pytest.ini_options]
testpaths = ["tests"]
""")

MODULE = Template('''\
"""$name: a Stafett plugin.

Import ``contracts`` only: it is Stafett's stable public contract. Each function marked
``@hookimpl`` implements the hook of the same name in ``contracts.hookspecs``; docs/hooks.md in
Stafett describes every hook, when it is called and what the platform checks at start-up.
"""

from __future__ import annotations

from contracts import Level, MeetingArena, MeetingKind, Municipality, ToolDefinition, hookimpl

TOOL_ID = "$name-sjekkliste"
ARENA_ID = "$name-team"


@hookimpl
def tools(municipality: Municipality) -> list[ToolDefinition]:
    """The tools (verktøy) this plugin adds for ``municipality``: one checklist form.

    Called once per municipality at start-up. ``form_schema`` must be a valid JSON Schema
    (draft 2020-12) of type ``object``, or the platform refuses to start and names this plugin.
    Every filled-in form is checked against it, with errors that quote each field's ``title``.
    """
    return [
        ToolDefinition(
            id=TOOL_ID,
            title="Sjekkliste før drøfting",
            description="Det du bør ha klart før du tar en undring opp i teamet.",
            levels=[Level.CLARIFY, Level.INTERNAL],
            shared_with_family=False,
            form_schema={
                "type": "object",
                "additionalProperties": False,
                "required": ["dato", "sporsmal"],
                "properties": {
                    "dato": {"type": "string", "format": "date", "title": "Dato"},
                    "sporsmal": {
                        "type": "string",
                        "title": "Hva vil du ha hjelp til å tenke på?",
                        "minLength": 1,
                        "maxLength": 2000,
                    },
                    "foreldre_kjent": {"type": "boolean", "title": "Foreldrene kjenner til undringen"},
                },
            },
        )
    ]


@hookimpl
def meeting_arenas(municipality: Municipality) -> list[MeetingArena]:
    """The standing meeting arenas (møtearenaer) this plugin adds, with their mandate."""
    return [
        MeetingArena(
            id=ARENA_ID,
            name="Tverrfaglig team",
            kind=MeetingKind.DISCUSSION,
            mandate="Drøfte undringer anonymt og gi råd om veien videre.",
            levels=[Level.INTERNAL, Level.COLLABORATE_TWO],
            anonymous_allowed=True,
            frequency="Skriv inn når teamet møtes.",
        )
    ]
''')

TEST = Template('''\
"""Tests for $name, with the fixtures of Stafett's pytest plugin (active wherever Stafett is installed).

stafett_municipality(plugins) starts Stafett with exactly these plugins on a temporary SQLite
database and gives one municipality (the demo's fictional Fjordvik), with helpers for fictional
employees and cases. Start-up validates every plugin, so a contract breaker fails here.
"""

from $module import ARENA_ID, TOOL_ID

PLUGINS = ["bti-standard", "$name"]
FILLED_IN = {"dato": "2025-03-03", "sporsmal": "Hvordan kan vi hjelpe i friminuttene?"}


def test_tool_and_arena_are_offered(stafett_municipality):
    kommune = stafett_municipality(PLUGINS)
    assert TOOL_ID in kommune.plugins.tools
    assert ARENA_ID in kommune.plugins.arenas


def test_form_is_checked_against_its_schema(stafett_municipality):
    kommune = stafett_municipality(PLUGINS)
    assert kommune.plugins.validate_form(TOOL_ID, FILLED_IN) == []
    errors = kommune.plugins.validate_form(TOOL_ID, {"dato": "i går"})
    assert any("«Dato»" in error for error in errors)
    assert any("må fylles ut" in error for error in errors)


def test_filled_in_form_goes_into_the_stafettlogg(stafett_municipality):
    kommune = stafett_municipality(PLUGINS)
    case = kommune.open_case()
    with kommune.system() as work:
        entry = work.log.add_note(case.id, "", tool_id=TOOL_ID, form=FILLED_IN)
    assert entry.data == {"tool_id": TOOL_ID, "form": FILLED_IN}
''')

README = Template("""\
# stafett-$name

A Stafett plugin (programtillegg): the tool «Sjekkliste før drøfting» and the arena «Tverrfaglig team».

## Develop and test

```sh
pip install -e '.[test]'      # into the environment where Stafett is installed
pytest                        # uses Stafett's pytest plugin: a temporary SQLite database per test
```

## Enable it

In a municipality's config, list it after the plugins it builds on:

```toml
[[municipality]]
id = "9901"
name = "Fjordvik kommune"
plugins = ["bti-standard", "$name"]
```

`stafett check-config FILE` validates the config and every plugin it enables; `stafett plugins --config FILE`
shows where it is enabled. See Stafett's docs/plugins.md and docs/hooks.md.
""")


class KitError(ValueError):
    """A name or target the kit refuses, said in bokmål."""


def module_name(name: str) -> str:
    return "stafett_" + name.replace("-", "_")


def new_plugin(name: str, parent: Path) -> Path:
    """Write the skeleton ``parent/stafett-NAME``; refuses a bad name or an existing folder."""
    if not NAME_PATTERN.match(name) or len(name) > 40:
        raise KitError(
            f"«{name}» kan ikke brukes som navn: bruk små bokstaver a–z, siffer og bindestrek, start med en "
            "bokstav og hold deg under 40 tegn (f.eks. «fjordvik»)."
        )
    root = parent / f"stafett-{name}"
    if root.exists():
        raise KitError(f"{root} finnes allerede; velg et annet navn eller en annen --path.")
    module = module_name(name)
    files = {
        "pyproject.toml": PYPROJECT,
        f"{module}/__init__.py": MODULE,
        f"tests/test_{module}.py": TEST,
        "README.md": README,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.substitute(name=name, module=module), encoding="utf-8")
    return root
