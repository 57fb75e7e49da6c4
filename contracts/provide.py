"""Implementations of the static hooks, whose answer is one fixed list for every municipality."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from .hookspecs import hookimpl
from .people import Municipality

T = TypeVar("T")
STATIC_HOOKS = (
    "action_guides",
    "tools",
    "meeting_arenas",
    "services",
    "relay_holder_rules",
    "outbox_channels",
    "notification_kinds",
    "plan_templates",
    "practice_cases",
    "learning_modules",
)


def provides(hook: str, items: Iterable[T]) -> Callable[[Municipality], list[T]]:
    """A ``@hookimpl`` of the static hook ``hook`` that answers ``items`` for every municipality.

    Bind it to a name in the plugin's module, where the plugin host looks for hooks:
    ``provide_tools = provides("tools", TOOLS)``.
    """
    if hook not in STATIC_HOOKS:
        raise ValueError(f"{hook!r} is not a static hook; use @hookimpl for it")
    answer = list(items)

    def implementation(municipality: Municipality) -> list[T]:
        return list(answer)

    implementation.__name__ = implementation.__qualname__ = f"provide_{hook}"
    return hookimpl(specname=hook)(implementation)
