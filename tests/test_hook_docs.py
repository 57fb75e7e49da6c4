"""Every hook is documented twice, in its spec's docstring and in docs/hooks.md, and the two agree."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from contracts import PROJECT_NAME, hookspecs

DOCS = Path(__file__).resolve().parents[1] / "docs" / "hooks.md"
SPECS = {
    name: fn
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(fn, f"{PROJECT_NAME}_spec")
}


def documented() -> list[str]:
    return re.findall(r"^## (\w+)\s*$", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE)


def test_hooks_exist() -> None:
    assert len(SPECS) >= 10


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hookspec_docstring_names_params_and_return(name: str) -> None:
    fn = SPECS[name]
    doc = inspect.getdoc(fn) or ""
    assert doc, f"hookspec {name} has no docstring"
    for param in inspect.signature(fn).parameters:
        assert f":param {param}:" in doc, f"hookspec {name} does not document :param {param}:"
    if inspect.signature(fn).return_annotation not in (None, "None"):
        assert ":returns:" in doc, f"hookspec {name} does not document :returns:"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hook_has_a_section_in_docs(name: str) -> None:
    assert name in documented(), f"docs/hooks.md lacks a '## {name}' section"


def test_docs_document_only_existing_hooks_once() -> None:
    sections = documented()
    assert sorted(set(sections) - set(SPECS)) == [], "docs/hooks.md documents hooks that do not exist"
    assert len(sections) == len(set(sections)), "a hook is documented twice"
