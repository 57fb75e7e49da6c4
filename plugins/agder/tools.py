"""Two forms BTI Agder's way of working calls for (drøfting, overlevering): data in ``tools.toml``."""

from __future__ import annotations

from pathlib import Path

from contracts.forms import load_tools

TOOLS = load_tools(Path(__file__).with_name("tools.toml"))
