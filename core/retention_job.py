"""The scheduled retention job: every municipality's due cases erased, one transaction per case.

Its own module (not in ``core.services.retention``) because it drives the platform, which is built on
the services.
"""

from __future__ import annotations

from core.domain.policy import Actor
from core.errors import StafettError
from core.platform import Platform
from core.services.retention import PURPOSE_RETENTION, due


def run(platform: Platform, *, municipality_id: str | None = None, batch: int = 100) -> list[tuple[str, str]]:
    """Erase every case due in one or all municipalities, one transaction per case; answers
    (case id, what happened) for each, in bokmål. A case that cannot be erased is named, not raised."""
    done: list[tuple[str, str]] = []
    for mid in [municipality_id] if municipality_id else platform.municipality_ids():
        failed: set[str] = set()
        while True:
            with platform.database.session() as session:
                ids = due(session, mid, platform.clock().date(), limit=batch + len(failed))
            ids = [i for i in ids if i not in failed]
            if not ids:
                break
            for case_id in ids:
                try:
                    with platform.work(Actor.system(mid, operator="retention"), PURPOSE_RETENTION) as w:
                        people = w.retention.erase(case_id)
                    done.append((case_id, f"slettet, med {len(people)} person(er)"))
                except StafettError as exc:
                    failed.add(case_id)
                    done.append((case_id, f"ikke slettet: {exc}"))
    return done
