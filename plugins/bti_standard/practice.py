"""Øving: the national baseline's fictional cases and learning modules (hooks ``practice_cases`` and
``learning_modules``); the material is data, in ``practice.toml``."""

from __future__ import annotations

from pathlib import Path

import msgspec

from contracts import Contract, LearningModule, PracticeCase


class _Material(Contract):
    case: list[PracticeCase]
    module: list[LearningModule]


_MATERIAL = msgspec.toml.decode(Path(__file__).with_name("practice.toml").read_bytes(), type=_Material)
CASES, MODULES = _MATERIAL.case, _MATERIAL.module
