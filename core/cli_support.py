"""What the ``stafett`` commands share, core's and the adapters' alike (through ``core.public``): the
options that name the deployment, opening its platform, turning users' errors into one line, and the
loop and summary of background runs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from core.config import ConfigError, DeploymentConfig, default_config, load_config
from core.errors import StafettError
from core.pluginhost import PluginError

config_option: Callable[[Any], Any] = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (TOML). Default: the demo municipality.",
)
database_option: Callable[[Any], Any] = click.option(
    "--database-url", default=None, help="Overrides the config's database."
)


def platform_options(func):
    """``--config`` and ``--database-url``: the deployment a command opens, and its database."""
    return config_option(database_option(func))


def reported(func):
    """Turn the errors users can cause into one clear line and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, PluginError, StafettError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def repeat(step: Callable[[bool], object], *, loop: bool, interval: float) -> None:
    """Run a background ``step`` once, or with ``loop`` every ``interval`` seconds until interrupted; the
    step is told whether it must report even when it found nothing to do (the single run must)."""
    while True:
        step(not loop)
        if not loop:
            return
        time.sleep(interval)


def echo_outcome(summary: str, done: Sequence[Any], key: Callable[[Any], str]) -> None:
    """A delivery run's summary line, then each message not delivered with its error."""
    click.echo(summary)
    for message in done:
        if message.status.value != "delivered":
            click.echo(f"  {key(message)} {message.status.value}: {message.last_error}")


def load_deployment(path: Path | None) -> DeploymentConfig:
    return load_config(path) if path else default_config()


def open_platform(path: Path | None, database_url: str | None = None):
    """The platform for a command: the config given (or the demo), its plugins, a migrated database."""
    from core.platform import Platform

    return Platform.open(load_deployment(path), database_url=database_url)


def municipality_ids(platform, municipality_id: str | None) -> list[str]:
    """The municipality a command names (kommunenummer), or without one every municipality of the
    deployment; one the deployment does not have is the command's error."""
    try:
        return [platform.municipality(municipality_id).id] if municipality_id else platform.municipality_ids()
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from None


@contextmanager
def opened_platform(path: Path | None, database_url: str | None = None) -> Iterator[Any]:
    """``open_platform`` for the length of a ``with`` block, closed on leaving it, also on an error."""
    platform = open_platform(path, database_url)
    try:
        yield platform
    finally:
        platform.close()
