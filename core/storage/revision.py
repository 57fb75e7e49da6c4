"""Autogenerate a migration from the models: ``python -m core.storage.revision "add meeting notes"``.

The diff is taken against a throwaway SQLite database upgraded to head, so it is exactly
"models minus existing migrations" and needs no server. Revision ids are readable sequence
numbers (0001, 0002, ...); pass ``--rev-id`` to choose one. Always review the generated file by
hand: autogenerate misses renames, triggers, and PostgreSQL-only details.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import Script

from core.storage.database import MIGRATIONS, Database, alembic_config


def next_rev_id() -> str:
    numbers = [int(p.name[:4]) for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return f"{max(numbers, default=0) + 1:04d}"


def generate(message: str, rev_id: str | None = None) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'revision.db'}")
        try:
            database.upgrade()
            with database.engine.begin() as connection:
                script = command.revision(
                    alembic_config(connection),
                    message=message,
                    autogenerate=True,
                    rev_id=rev_id or next_rev_id(),
                )
        finally:
            database.dispose()
    if not isinstance(script, Script):  # one revision asked for, so one comes back
        raise RuntimeError(f"alembic made no single revision: {script!r}")
    path = Path(script.path)
    _tidy(path)
    return path


def _tidy(path: Path) -> None:
    """Apply the project's ruff style so the new file passes lint before review."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff:
        subprocess.run([ruff, "format", "--quiet", str(path)], check=False)
        subprocess.run([ruff, "check", "--fix", "--quiet", str(path)], check=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.storage.revision", description=__doc__)
    parser.add_argument("message", help="what the migration does, e.g. 'add meeting notes'")
    parser.add_argument("--rev-id", help="revision id (default: next 4-digit number)")
    args = parser.parse_args(argv)
    print(generate(args.message, args.rev_id))


if __name__ == "__main__":
    main()
