"""What a family reads in innsyn about why someone read: one sentence per route purpose
(bokmål; its nynorsk from the catalogue).

The audit trail stores the purpose as the route recorded it (``case.read_log via API``, or with a
caller's own words ``Forberede møte (case.read_log via API)``); it is part of the hash chain and is
never rewritten. ``describe`` turns it into what a parent reads, at display time, here only: the
route's sentence ("leste stafettloggen"), and a caller's own words as given, before it.
``tests/test_purposes.py`` checks that every route of the app has a sentence.
"""

from __future__ import annotations

from core.i18n import N_, _
from core.services.lookups import LOOKUP_PURPOSES, LOOKUP_ROUTE

FALLBACK = N_("brukte opplysningene i arbeidet med saken")
CHANNELS = (" via API", " via web")

SENTENCES: dict[str, str] = {
    # meetings moved or cancelled, varsler, følgeevaluering
    "meeting.reschedule": N_("flyttet et møte"),
    "meeting.cancel": N_("avlyste et møte"),
    "notifications.list": N_("så på varslene sine"),
    "notifications.unread": N_("så hvor mange uleste varsler hen har"),
    "notifications.open": N_("åpnet et varsel"),
    "notifications.read_all": N_("merket varslene sine som lest"),
    "notifications.choose": N_("valgte hvordan hen vil få varsler"),
    "indicators.read": N_("så på følgeevalueringen (bare tall, ingen enkeltsaker)"),
    # transfers, individuell plan, archive
    "case.transfer": N_("foreslo å overføre saken til en annen enhet"),
    "case.suggest_transfer": N_("så hvilken skole barnet skal begynne på"),
    "case.read_transfers": N_("så overføringer som venter på svar"),
    "case.accept_transfer": N_("tok imot saken fra en annen enhet"),
    "case.decline_transfer": N_("takket nei til å ta imot saken"),
    "case.make_plan": N_("opprettet en individuell plan"),
    "case.read_plan": N_("leste den individuelle planen"),
    "case.plan_goals": N_("skrev målene i den individuelle planen"),
    "case.plan_section": N_("skrev en del av den individuelle planen"),
    "case.plan_comment": N_("kommenterte den individuelle planen"),
    "case.coordinator": N_("valgte koordinator for saken"),
    "case.read_archive": N_("så om saken er arkivert"),
    # cases and the stafettlogg
    "case.open": N_("registrerte en undring"),
    "case.new_form": N_("åpnet skjemaet for en ny undring"),
    "case.read": N_("åpnet saken"),
    "case.list_mine": N_("så på listen over sakene sine"),
    "case.search": N_("søkte blant sakene sine"),
    "case.read_log": N_("leste stafettloggen"),
    "case.write_log": N_("skrev i stafettloggen"),
    "case.correct_log": N_("rettet en oppføring i stafettloggen"),
    "case.read_concerns": N_("leste undringene i saken"),
    "case.add_concern": N_("registrerte en ny undring i saken"),
    "case.read_guide": N_("leste veiledningen for nivået saken er på"),
    "case.change_level": N_("endret nivået i saken"),
    "case.close": N_("avsluttet saken"),
    "case.read_participants": N_("så hvem som deltar i samarbeidet"),
    "case.add_participant": N_("la til en tjeneste i samarbeidet"),
    "case.remove_participant": N_("tok en tjeneste ut av samarbeidet"),
    "case.assign_relay_holder": N_("valgte stafettholder"),
    "case.request_handover": N_("ba en annen om å overta som stafettholder"),
    "case.innsyn": N_("så hvem som har lest om dere"),
    "case.read_measures": N_("leste tiltakene i saken"),
    "case.create_measure": N_("opprettet et tiltak"),
    "case.read_consents": N_("leste samtykkene i saken"),
    "case.read_meetings": N_("leste møtene i saken"),
    "case.send_report": (
        N_(
            "sendte en bekymringsmelding til barnevernet etter opplysningsplikten "
            "(barnevernsloven § 13-2), som ikke krever samtykke"
        )
    ),
    "case.read_reports": N_("så hvilke bekymringsmeldinger som er sendt fra saken"),
    "report.answer": N_("registrerte barnevernets svar på en bekymringsmelding"),
    "measure.evaluate": N_("evaluerte et tiltak"),
    "measure.change_status": N_("satte et tiltak på pause, i gang igjen, avsluttet eller avlyste det"),
    "meeting.schedule": N_("satte opp et møte"),
    "meeting.anonymous": N_("registrerte en anonym drøfting"),
    "handover.accept": N_("tok over som stafettholder"),
    "handover.decline": N_("takket nei til å overta som stafettholder"),
    "handover.list_mine": N_("så hvilke saker som venter på å bli overtatt"),
    # consent
    "consent.request": N_("ba om samtykke"),
    "consent.give": N_("ga samtykke"),
    "consent.withdraw": N_("trakk tilbake et samtykke"),
    "consent.refuse": N_("avslo et samtykke"),
    # the family's own view
    "family.list_cases": N_("så på sakene sine på Min side"),
    "family.read_case": N_("åpnet saken på Min side"),
    "family.read_log": N_("leste stafettloggen på Min side"),
    "family.read_measures": N_("leste tiltakene på Min side"),
    "family.read_consents": N_("leste samtykkene på Min side"),
    "family.comment": N_("skrev en kommentar i saken"),
    # people
    LOOKUP_ROUTE: N_("slo opp barnet"),
    **{f"{LOOKUP_ROUTE}:{code}": sentence for code, sentence in LOOKUP_PURPOSES.items()},
    "person.lookup_refusals": N_("så hvem som har gjort for mange oppslag av personer"),
    "person.register": N_("registrerte barnet"),
    "person.register_child": N_("registrerte barnet"),
    "person.register_pregnant": N_("registrerte den gravide"),
    "person.register_guardian": N_("registrerte en foresatt"),
    "person.link_guardian": N_("knyttet en foresatt til barnet"),
    "person.register_employee": N_("registrerte en ansatt"),
    "person.read_employee": N_("leste hvem en ansatt er"),
    "person.read_child": N_("leste opplysningene om barnet"),
    "person.read_guardians": N_("leste hvem som er foresatte for barnet"),
    "person.read_pregnant": N_("leste opplysningene om den gravide"),
    # the municipality, its services and tools
    "municipality.read": N_("leste om kommunen"),
    "unit.list": N_("så på kommunens enheter"),
    "unit.read": N_("leste om en enhet"),
    "services.list": N_("så på tjenestene i kommunen"),
    "arenas.list": N_("så på møtearenaene"),
    "guides.list": N_("leste veiledningen for nivåene"),
    "relay_holder_rules.list": N_("leste reglene for hvem som er stafettholder"),
    "tools.list": N_("så på verktøyene"),
    "tools.read": N_("åpnet et verktøy"),
    "reminders.list": N_("så på påminnelser om frister"),
    "outbox.list": N_("så på hva som venter på å bli sendt til en journal"),
    "outbox.retry": N_("sendte saken på nytt til en tjenestes journal"),
    "audit.verify": N_("kontrollerte revisjonssporet"),
}


def sentence(code: str) -> str | None:
    """The sentence of a route purpose code (``case.read_log``), or None when there is none."""
    found = SENTENCES.get(code)
    return _(found) if found is not None else None


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
    return _(FALLBACK)
