"""A typed façade over pluggy: plugins found, checked at start-up, and called per municipality.

Core talks to plugins only through this package. Every hook implementation is called on its
own, so an answer or a fault is always tied to a plugin's name; a broken plugin stops start-up
with a ``PluginError`` in bokmål that names it.
"""

from __future__ import annotations

from .discovery import ENTRY_POINT_GROUP, InstalledPlugin
from .errors import PluginError
from .host import DeploymentConfigLike, MunicipalityConfigLike, PluginHost
from .municipality import MunicipalityPlugins

__all__ = [
    "ENTRY_POINT_GROUP",
    "DeploymentConfigLike",
    "InstalledPlugin",
    "MunicipalityConfigLike",
    "MunicipalityPlugins",
    "PluginError",
    "PluginHost",
]
