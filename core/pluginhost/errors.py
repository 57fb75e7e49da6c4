"""The one error the plugin host raises: it names the plugin and the fault, in bokmål for municipal IT."""

from __future__ import annotations


class PluginError(Exception):
    """A plugin that cannot be loaded or breaks the contract; the platform refuses to start."""

    def __init__(self, plugin: str, fault: str, *, municipality: str | None = None) -> None:
        self.plugin = plugin
        self.fault = fault
        self.municipality = municipality
        where = f" (kommune {municipality})" if municipality else ""
        super().__init__(f"Programtillegget «{plugin}»{where}: {fault}")
