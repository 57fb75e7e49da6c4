"""School adapter: pupils, guardians, classes and contact teachers from OneRoster 1.2 (CSV packages and REST).

The adapter knows OneRoster; ``core.services.roster`` knows Stafett. ``csvpackage`` and ``rest``
turn a package or a server into roster records, ``run_import`` drives one all-or-nothing import
in one unit of work. See docs/school.md for the exact interpretation of the specification.
"""

from adapters.school.run import DryRun, ImportResult, import_package, sync_rest

__all__ = ["DryRun", "ImportResult", "import_package", "sync_rest"]
