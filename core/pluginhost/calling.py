"""Calling one hook implementation at a time, so every answer and every fault has a plugin's name."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
import pluggy

T = TypeVar("T")


def ordered_impls(pm: pluggy.PluginManager, hook: str) -> list[Any]:
    """Implementations in pluggy's own call order: the plugin enabled last (most specific) first."""
    return list(reversed(getattr(pm.hook, hook).get_hookimpls()))


def call(impl: Any, **kwargs: object) -> object:
    """Call one implementation with the arguments it asked for, as pluggy does."""
    return impl.function(*[kwargs[name] for name in impl.argnames])


def coerce(value: object, type_: type[T]) -> T:
    """Convert a plugin's answer to a contract type, validating even ready-made structs.

    Struct instances built in Python skip msgspec's constraints, so they go through builtins first.
    Raises ``msgspec.ValidationError`` or ``TypeError`` when the answer has the wrong shape.
    """
    return msgspec.convert(msgspec.to_builtins(value), type_)


SHAPE_ERRORS = (msgspec.ValidationError, TypeError, ValueError)
