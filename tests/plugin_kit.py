"""A plugin made with `stafett plugins new` and pip-installed, shared by the kit tests and the API tests.

The plugin is installed into the running environment (the tox env or .venv) offline
(`--no-build-isolation --no-index`, with setuptools from the test extras) under a unique name, and
uninstalled afterwards. ``extend`` is source its author appends to the generated module before
installing (another hook), so a test can show a written-and-grown plugin, not only the skeleton.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main
from core.pluginkit import module_name

MUNICIPALITY = "9901"


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@contextmanager
def installed_kit_plugin(parent: Path, *, extend: str = "") -> Iterator[tuple[str, Path]]:
    """(name, folder) of a new plugin written under ``parent`` and pip-installed; uninstalled on exit."""
    name = f"provekit{uuid.uuid4().hex[:8]}"
    result = CliRunner().invoke(main, ["plugins", "new", name, "--path", str(parent)])
    assert result.exit_code == 0, result.output
    root = parent / f"stafett-{name}"
    if extend:
        source = root / module_name(name) / "__init__.py"
        source.write_text(source.read_text(encoding="utf-8") + extend, encoding="utf-8")
    installed = pip("install", "--no-build-isolation", "--no-deps", "--no-index", str(root))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    importlib.invalidate_caches()
    try:
        yield name, root
    finally:
        pip("uninstall", "-y", f"stafett-{name}")
        sys.modules.pop(module_name(name), None)
        importlib.invalidate_caches()


@pytest.fixture(scope="module")
def kit_plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The skeleton exactly as `stafett plugins new` writes it, pip-installed for one test module."""
    with installed_kit_plugin(tmp_path_factory.mktemp("kit")) as plugin:
        yield plugin


def write_config(tmp_path: Path, plugins: list[str]) -> Path:
    """A one-municipality config (Fjordvik 9901 with one school) that enables ``plugins``."""
    path = tmp_path / "kommune.toml"
    listed = ", ".join(f'"{p}"' for p in plugins)
    path.write_text(
        f"""name = "Prøvekommune"

[[municipality]]
id = "{MUNICIPALITY}"
name = "Fjordvik kommune"
plugins = [{listed}]

[[municipality.unit]]
id = "fjordvik-skole"
name = "Fjordvik skole"
service_type = "skole"
""",
        encoding="utf-8",
    )
    return path
