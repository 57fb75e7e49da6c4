"""The stafettholder in BTI Agder: a role description per level, and one stafettlogg rule for level 3.

The follow-up evaluation found the stafettholder role unclear, that the difference from a
koordinator confused people, and recommended a clear role description per level; these texts
are that description, in Stafett's words. The required levels are the national ones (2 and 3);
BTI Agder's own requirements beyond them are not known here.

Rule: before a case moves to level 3, every service taking part must be invited to the
coordination meeting, following the evaluation's recommendation that all services involved
take part in coordination meetings around a child or family.
"""

from __future__ import annotations

from contracts import Level, MeetingKind, Refusal, RelayHolderRule, TransitionContext, relay_holder_rules
from contracts.texts import translate

NOT_COORDINATOR = (
    "Stafettholder er ikke det samme som koordinator: stafettholderen er BTI-rollen som sørger for at "
    "samarbeidet blir koordinert og dokumentert i stafettloggen, og som gir stafetten videre når saken "
    "flytter. Koordinator er den lovfestede rollen for barn og familier som får individuell plan; "
    "når en koordinator er oppnevnt, overtar koordinatoren samordningen, og saken følges opp der."
)

# The refusal as a text with a value, so its nynorsk is one catalogue entry (locale/nn/LC_MESSAGES/agder.po).
NOT_INVITED = (
    "BTI Agder: alle tjenestene som deltar i saken, skal være med i koordineringsmøtet før saken går til "
    "nivå 3. Ikke invitert: {units}."
)

RULES: list[RelayHolderRule] = relay_holder_rules(
    "Nivå 0: ingen stafettholder ennå. Den som undrer seg, avklarer uroen i egen enhet med undringsnotat, "
    "samtale med barnet og foreldrene og råd fra kollega eller leder.",
    "Nivå 1: en ansatt i enheten som meldte undringen, bør ta stafetten. Stafettholderen prøver ut tiltak "
    "i egen tjeneste sammen med barnet og foreldrene, fører tiltak og evalueringer i stafettloggen og "
    "holder leder og foreldre orientert. " + NOT_COORDINATOR,
    "Nivå 2: saken skal ha en stafettholder fra en av tjenestene som samarbeider. Stafettholderen passer "
    "på at samtykket er i orden, kaller inn til samarbeidsmøter, fører de felles tiltakene i "
    "stafettloggen og følger opp datoene for evaluering. Stafetten gis videre ved overlevering: den "
    "gjelder først når mottakeren har godtatt den. " + NOT_COORDINATOR,
    "Nivå 3: saken skal ha en stafettholder som koordinerer innsatsen fra alle tjenestene, kaller inn alle "
    "tjenestene som er involvert til koordineringsmøte og holder stafettloggen samlet for familien. "
    + NOT_COORDINATOR,
)


def check_transition(context: TransitionContext) -> list[Refusal]:
    """To level 3: some coordination meeting must include every service taking part in the case."""
    if context.to_level != Level.COLLABORATE_MANY:
        return []
    meetings = [m for m in context.snapshot.meetings if m.kind is MeetingKind.COORDINATION]
    if not meetings:
        return []  # the built-in rule already asks for a coordination meeting
    taking_part = {p.unit_id for p in context.snapshot.participants}
    best = max(meetings, key=lambda m: len(taking_part & set(m.unit_ids)))
    missing = sorted(taking_part - set(best.unit_ids))
    if not missing:
        return []
    return [
        Refusal(
            code="agder.coordination_all_services",
            message=translate(NOT_INVITED).format(units=", ".join(missing)),
        )
    ]
