"""The model's standard tools (verktøy) as forms: data in ``tools.toml``, built with ``contracts.forms``."""

from __future__ import annotations

from pathlib import Path

from contracts.forms import load_tools

TOOLS = load_tools(Path(__file__).with_name("tools.toml"))
