"""What the moving tests share (to another deployment, and within one): a case with a note whose family
has consented to its moving."""

from __future__ import annotations

from tests.conftest import SCHOOL, World

NOTE = "Ola har fått det bedre etter at han begynte i kor."
MOVING = ("flytting til annen kommune", "stafettloggen")


def consented_case(world: World, case_id: str | None = None) -> str:
    """A case (``case_id``, or a new one) with a note, and every giver's consent to moving it for 90 days."""
    case_id = case_id or world.open_case().id
    with world.as_(world.teacher) as w:
        w.log.add_note(case_id, NOTE)
    purpose = "Familien flytter; saken følger barnet til den nye kommunen."
    world.consent(case_id, [SCHOOL], categories=MOVING, purpose=purpose, days=90)
    return case_id
