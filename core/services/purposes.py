"""What a family reads in innsyn about why someone read: one bokmål sentence per route purpose.

The audit trail stores the purpose as the route recorded it (``case.read_log via API``, or with a
caller's own words ``Forberede møte (case.read_log via API)``); it is part of the hash chain and is
never rewritten. ``describe`` turns it into what a parent reads, at display time, here only: the
route's sentence ("leste stafettloggen"), and a caller's own words as given, before it.
``tests/test_purposes.py`` checks that every route of the app has a sentence.
"""

from __future__ import annotations

from core.services.lookups import LOOKUP_PURPOSES, LOOKUP_ROUTE

FALLBACK = "brukte opplysningene i arbeidet med saken"
CHANNELS = (" via API", " via web")

SENTENCES: dict[str, str] = {
    # meetings moved or cancelled, varsler, følgeevaluering
    "meeting.reschedule": "flyttet et møte",
    "meeting.cancel": "avlyste et møte",
    "notifications.list": "så på varslene sine",
    "notifications.unread": "så hvor mange uleste varsler hen har",
    "notifications.open": "åpnet et varsel",
    "notifications.read_all": "merket varslene sine som lest",
    "notifications.choose": "valgte hvordan hen vil få varsler",
    "indicators.read": "så på følgeevalueringen (bare tall, ingen enkeltsaker)",
    # transfers, individuell plan, archive
    "case.transfer": "foreslo å overføre saken til en annen enhet",
    "case.suggest_transfer": "så hvilken skole barnet skal begynne på",
    "case.read_transfers": "så overføringer som venter på svar",
    "case.accept_transfer": "tok imot saken fra en annen enhet",
    "case.decline_transfer": "takket nei til å ta imot saken",
    "case.make_plan": "opprettet en individuell plan",
    "case.read_plan": "leste den individuelle planen",
    "case.plan_goals": "skrev målene i den individuelle planen",
    "case.plan_section": "skrev en del av den individuelle planen",
    "case.plan_comment": "kommenterte den individuelle planen",
    "case.coordinator": "valgte koordinator for saken",
    "case.read_archive": "så om saken er arkivert",
    # cases and the stafettlogg
    "case.open": "registrerte en undring",
    "case.new_form": "åpnet skjemaet for en ny undring",
    "case.read": "åpnet saken",
    "case.list_mine": "så på listen over sakene sine",
    "case.search": "søkte blant sakene sine",
    "case.read_log": "leste stafettloggen",
    "case.write_log": "skrev i stafettloggen",
    "case.correct_log": "rettet en oppføring i stafettloggen",
    "case.read_concerns": "leste undringene i saken",
    "case.add_concern": "registrerte en ny undring i saken",
    "case.read_guide": "leste veiledningen for nivået saken er på",
    "case.change_level": "endret nivået i saken",
    "case.close": "avsluttet saken",
    "case.read_participants": "så hvem som deltar i samarbeidet",
    "case.add_participant": "la til en tjeneste i samarbeidet",
    "case.remove_participant": "tok en tjeneste ut av samarbeidet",
    "case.assign_relay_holder": "valgte stafettholder",
    "case.request_handover": "ba en annen om å overta som stafettholder",
    "case.innsyn": "så hvem som har lest om dere",
    "case.read_measures": "leste tiltakene i saken",
    "case.create_measure": "opprettet et tiltak",
    "case.read_consents": "leste samtykkene i saken",
    "case.read_meetings": "leste møtene i saken",
    "case.send_report": (
        "sendte en bekymringsmelding til barnevernet etter opplysningsplikten (barnevernsloven § 13-2), "
        "som ikke krever samtykke"
    ),
    "case.read_reports": "så hvilke bekymringsmeldinger som er sendt fra saken",
    "report.answer": "registrerte barnevernets svar på en bekymringsmelding",
    "measure.evaluate": "evaluerte et tiltak",
    "measure.change_status": "satte et tiltak på pause, i gang igjen, avsluttet eller avlyste det",
    "meeting.schedule": "satte opp et møte",
    "meeting.anonymous": "registrerte en anonym drøfting",
    "handover.accept": "tok over som stafettholder",
    "handover.decline": "takket nei til å overta som stafettholder",
    "handover.list_mine": "så hvilke saker som venter på å bli overtatt",
    # consent
    "consent.request": "ba om samtykke",
    "consent.give": "ga samtykke",
    "consent.withdraw": "trakk tilbake et samtykke",
    "consent.refuse": "avslo et samtykke",
    # the family's own view
    "family.list_cases": "så på sakene sine på Min side",
    "family.read_case": "åpnet saken på Min side",
    "family.read_log": "leste stafettloggen på Min side",
    "family.read_measures": "leste tiltakene på Min side",
    "family.read_consents": "leste samtykkene på Min side",
    "family.comment": "skrev en kommentar i saken",
    # people
    LOOKUP_ROUTE: "slo opp barnet",
    **{f"{LOOKUP_ROUTE}:{code}": sentence for code, sentence in LOOKUP_PURPOSES.items()},
    "person.lookup_refusals": "så hvem som har gjort for mange oppslag av personer",
    "person.register": "registrerte barnet",
    "person.register_child": "registrerte barnet",
    "person.register_pregnant": "registrerte den gravide",
    "person.register_guardian": "registrerte en foresatt",
    "person.link_guardian": "knyttet en foresatt til barnet",
    "person.register_employee": "registrerte en ansatt",
    "person.read_employee": "leste hvem en ansatt er",
    "person.read_child": "leste opplysningene om barnet",
    "person.read_guardians": "leste hvem som er foresatte for barnet",
    "person.read_pregnant": "leste opplysningene om den gravide",
    # the municipality, its services and tools
    "municipality.read": "leste om kommunen",
    "unit.list": "så på kommunens enheter",
    "unit.read": "leste om en enhet",
    "services.list": "så på tjenestene i kommunen",
    "arenas.list": "så på møtearenaene",
    "guides.list": "leste veiledningen for nivåene",
    "relay_holder_rules.list": "leste reglene for hvem som er stafettholder",
    "tools.list": "så på verktøyene",
    "tools.read": "åpnet et verktøy",
    "reminders.list": "så på påminnelser om frister",
    "outbox.list": "så på hva som venter på å bli sendt til en journal",
    "outbox.retry": "sendte saken på nytt til en tjenestes journal",
    "audit.verify": "kontrollerte revisjonssporet",
}


def sentence(code: str) -> str | None:
    """The sentence of a route purpose code (``case.read_log``), or None when there is none."""
    return SENTENCES.get(code)


def _route(text: str) -> str | None:
    for channel in CHANNELS:
        if text.endswith(channel):
            return sentence(text[: -len(channel)])
    return None


def describe(stored: str) -> str:
    """The purpose as a family reads it: ``case.read_log via API`` -> "leste stafettloggen";
    ``Forberede møte (case.read_log via API)`` -> "Forberede møte (leste stafettloggen)"."""
    stored = stored or ""
    if (route := _route(stored)) is not None:
        return route
    given, sep, rest = stored.rpartition(" (")
    if sep and rest.endswith(")") and (route := _route(rest[:-1])) is not None:
        return f"{given} ({route})"
    return FALLBACK
