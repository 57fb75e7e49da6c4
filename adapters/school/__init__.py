"""School adapter: pupils, guardians, classes and contact teachers from OneRoster 1.2 (CSV packages and REST).

The adapter knows OneRoster; core's directory-sync seam (``core.public.DirectorySync``) knows
Stafett. ``csvpackage`` and ``rest`` turn a package or a server into roster records (``records``),
``importer.RosterImport`` stages, checks and applies them through the seam, and ``run`` drives one
all-or-nothing import in one unit of work. ``storage`` holds the adapter's own tables (source ids,
digests, watermarks) with their own Alembic branch in ``migrations/``.
See docs/school.md for the exact interpretation of the specification.
"""

from adapters.school.run import DryRun, ImportResult, import_package, sync_rest

__all__ = ["DryRun", "ImportResult", "import_package", "sync_rest"]
