"""Øving: the national baseline's fictional cases and learning modules (hooks ``practice_cases`` and
``learning_modules``); the material is data, in ``practice.toml``."""

from __future__ import annotations

from pathlib import Path

from contracts import load_practice

_MATERIAL = load_practice(Path(__file__).with_name("practice.toml"))
CASES, MODULES = _MATERIAL.case, _MATERIAL.module
