"""The kit for plugin authors: `stafett plugins new` writes a plugin that pip installs, a config enables,
the platform picks up, and whose own test passes with Stafett's pytest plugin.

The ``kit_plugin`` fixture (tests/plugin_kit.py, shared with the API tests through conftest) installs
the generated plugin into the running environment under a unique name and uninstalls it afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main
from tests.plugin_kit import write_config


def test_new_writes_a_complete_skeleton(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plugins", "new", "fjordvik-skole", "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "stafett-fjordvik-skole"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "pyproject.toml",
        "stafett_fjordvik_skole/__init__.py",
        "tests/test_stafett_fjordvik_skole.py",
    ]
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.stafett]\nfjordvik-skole = "stafett_fjordvik_skole"' in pyproject
    module = (root / "stafett_fjordvik_skole/__init__.py").read_text()
    assert "from contracts import" in module and "import core" not in module  # contracts only
    assert '"""The tools (verktøy) this plugin adds' in module  # the hookimpl is documented


@pytest.mark.parametrize(("name", "fault"), [("Fjordvik", "kan ikke brukes som navn"), ("1a", "kan ikke")])
def test_new_refuses_a_bad_name(tmp_path: Path, name: str, fault: str) -> None:
    result = CliRunner().invoke(main, ["plugins", "new", name, "--path", str(tmp_path)])
    assert result.exit_code == 1 and fault in result.output
    assert list(tmp_path.iterdir()) == []


def test_new_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "stafett-fjordvik").mkdir()
    result = CliRunner().invoke(main, ["plugins", "new", "fjordvik", "--path", str(tmp_path)])
    assert result.exit_code == 1 and "finnes allerede" in result.output


def test_installed_plugin_is_picked_up_enabled_by_config_and_its_hooks_answer(
    kit_plugin, stafett_municipality, tmp_path: Path
) -> None:
    name, _ = kit_plugin
    kommune = stafett_municipality(config=write_config(tmp_path, ["bti-standard", name]))
    assert kommune.plugins.plugin_names == ["bti-standard", name]
    assert f"{name}-sjekkliste" in kommune.plugins.tools
    assert kommune.plugins.arenas[f"{name}-team"].anonymous_allowed
    case = kommune.open_case()
    form = {"dato": "2025-03-03", "sporsmal": "Hva gjør vi nå?"}
    with kommune.system() as w:
        assert w.log.add_note(case.id, "", tool_id=f"{name}-sjekkliste", form=form).data["form"] == form


def test_plugins_command_shows_where_the_new_plugin_is_on(kit_plugin, tmp_path: Path) -> None:
    name, _ = kit_plugin
    enabled = CliRunner().invoke(
        main, ["plugins", "--config", str(write_config(tmp_path, ["bti-standard", name]))]
    )
    assert enabled.exit_code == 0, enabled.output
    row = next(line for line in enabled.output.splitlines() if name in line)
    assert f"stafett-{name}" in row and "meeting_arenas, tools" in row and "9901 Fjordvik kommune" in row
    demo = CliRunner().invoke(main, ["plugins"])
    row = next(line for line in demo.output.splitlines() if name in line)
    assert "9901" not in row  # installed, but the demo does not enable it


def test_the_generated_plugin_passes_its_own_tests(kit_plugin) -> None:
    _, root = kit_plugin
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
        cwd=root,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
