"""What every service is: an object acting inside one unit of work, composed beside it (never registered
in it), so a service reaches the session, the actor and the policy only through ``self.work``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


class Service:
    def __init__(self, work: Work) -> None:
        self.work = work
