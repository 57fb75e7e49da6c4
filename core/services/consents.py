"""Samtykke: asked for by an employee, given by each required giver (digitally or on paper), withdrawn."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from contracts import Consent, InformationArea, Level, LogEntryKind
from contracts.words import LEVEL_NAMES
from core.domain.consent import check_period, required_givers
from core.domain.policy import Action, ActorKind
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, _
from core.ids import new_id
from core.services.inputs import check_text, parse_choice
from core.services.relaylog import LogWriter
from core.services.state import CaseState
from core.storage import models as m


class ConsentService(LogWriter):
    def request(
        self,
        case_id: str,
        *,
        unit_ids: list[str],
        categories: list[str],
        purpose: str,
        area: InformationArea | str,
        valid_from: dt.date,
        valid_to: dt.date,
        given_on_paper_by: Sequence[str] = (),
    ) -> Consent:
        """Ask for consent to share with ``unit_ids``; those who signed a paper form are recorded as given."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.RECORD_CONSENT, case=state.facts())
        area = parse_choice(InformationArea, area, field="area", label=N_("område"))
        try:
            check_period(valid_from, valid_to, work.now.date())
            givers = required_givers(state.subject_facts(), area, work.consent_ages)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="valid_to", code="invalid_consent") from None
        purpose = check_text(purpose, N_("formål"))
        categories = [check_text(c, N_("opplysninger som kan deles")) for c in categories]
        if not categories:
            raise InvalidInput(_("Samtykket må si hvilke opplysninger som kan deles."), field="categories")
        units = self._units(unit_ids)
        required = {g.person_id for g in givers}
        unknown = set(given_on_paper_by) - required
        if unknown:
            raise InvalidInput(
                _("Bare den som har rett til å samtykke, kan stå som giver: {people}").format(
                    people=", ".join(sorted(unknown))
                ),
                field="given_on_paper_by",
            )
        consent = m.ConsentRow(
            id=new_id(),
            case_id=case_id,
            purpose=purpose,
            area=str(area),
            categories=categories,
            valid_from=valid_from,
            valid_to=valid_to,
            recorded_by=work.actor.id,
            recorded_at=work.now,
        )
        work.session.add(consent)
        work.session.flush()
        for giver in givers:
            paper = giver.person_id in given_on_paper_by  # the signed form, received by the one recording
            work.session.add(
                m.ConsentGiverRow(
                    consent_id=consent.id,
                    person_id=giver.person_id,
                    as_role=giver.as_role,
                    given_at=work.now if paper else None,
                    method="paper" if paper else "",
                    received_by=work.actor.id if paper else None,
                )
            )
        work.session.add_all(m.ConsentUnitRow(consent_id=consent.id, unit_id=u.id) for u in units)
        work.session.flush()
        state.refresh()
        if given_on_paper_by:
            self._log_given(state, consent.id, list(given_on_paper_by), on_paper=True)
        return self._one(state, consent.id)

    def give(self, consent_id: str) -> Consent:
        """The guardian or youth gives their consent digitally."""
        work = self.work
        _consent, state, giver = self._answering(consent_id)
        giver.given_at, giver.method = work.now, "digital"
        work.session.flush()
        state.refresh()
        self._log_given(state, consent_id, [giver.person_id], on_paper=False)
        return self._one(state, consent_id)

    def refuse(self, consent_id: str, *, reason: str = "") -> Consent:
        """The guardian or youth says no. The refusal is kept (who, when) and the consent can never be in
        force; the services must ask anew. The family's own reason, if they give one, goes in the log."""
        work = self.work
        consent, state, giver = self._answering(consent_id)
        consent.refused_at, consent.refused_by = work.now, work.actor.id
        work.session.flush()
        state.refresh()
        self.log.write(
            state,
            LogEntryKind.CONSENT_REFUSED,
            text=check_text(reason, N_("begrunnelse"), required=False),
            data={"consent_id": consent_id, "giver_id": giver.person_id},
        )
        return self._one(state, consent_id)

    def _answering(self, consent_id: str) -> tuple[m.ConsentRow, CaseState, m.ConsentGiverRow]:
        """The consent the actor answers (gives or refuses), its case locked, and the actor as its giver;
        refused unless the actor is a giver and the consent is still open to an answer."""
        work = self.work
        consent = self._row(consent_id)
        state = CaseState(work, consent.case_id, lock=True)
        work.authorize(Action.GIVE_CONSENT, case=state.facts(), missing=_missing(consent_id))
        giver = work.session.get(m.ConsentGiverRow, (consent_id, work.actor.id))
        if giver is None:
            raise InvalidInput(_("Du er ikke blant dem som skal gi dette samtykket."), code="not_a_giver")
        self._still_open(consent, giver)
        return consent, state, giver

    def _still_open(self, consent: m.ConsentRow, giver: m.ConsentGiverRow) -> None:
        """A giver may answer a consent only once, while it is neither withdrawn, refused nor expired."""
        if consent.withdrawn_at is not None:
            raise Conflict(_("Samtykket er trukket tilbake; be om et nytt."), code="consent_withdrawn")
        if consent.refused_at is not None:
            raise Conflict(_("Samtykket er avslått; be om et nytt."), code="consent_refused")
        if giver.given_at is not None:
            raise Conflict(_("Du har allerede gitt dette samtykket."), code="already_given")
        if consent.valid_to < self.work.now.date():
            raise InvalidInput(
                _("Samtykket er utløpt: det gjaldt til {consent_valid_to}.").format(
                    consent_valid_to=consent.valid_to
                ),
                code="consent_expired",
            )

    def withdraw(self, consent_id: str, *, reason: str = "") -> Consent:
        """Withdraw at once: every service the consent covered loses access in the same transaction."""
        work = self.work
        consent = self._row(consent_id)
        state = CaseState(work, consent.case_id, lock=True)
        work.authorize(Action.WITHDRAW_CONSENT, case=state.facts(), missing=_missing(consent_id))
        if (
            work.actor.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH)
            and work.session.get(m.ConsentGiverRow, (consent_id, work.actor.id)) is None
        ):
            raise InvalidInput(
                _("Du kan bare trekke tilbake et samtykke du selv skal gi."), code="not_a_giver"
            )
        if consent.withdrawn_at is not None:
            raise Conflict(_("Samtykket er allerede trukket tilbake."), code="already_withdrawn")
        consent.withdrawn_at, consent.withdrawn_by = work.now, work.actor.id
        work.session.flush()
        state.refresh()
        unit_ids = sorted(u for c in state.consents if c.id == consent_id for u in c.unit_ids)
        self.log.write(
            state,
            LogEntryKind.CONSENT_WITHDRAWN,
            text=check_text(reason, N_("begrunnelse"), required=False),
            data={"consent_id": consent_id, "unit_ids": unit_ids},
        )
        self._log_lapsed(state, consent_id, [u for u in state.lapsed_unit_ids() if u in unit_ids])
        return self._one(state, consent_id)

    def _log_lapsed(self, state: CaseState, consent_id: str, lost: list[str]) -> None:
        """Tell the stafettholder, in the withdrawal's own transaction, which services lost their basis.
        The entry is not shared with the family: they learn no more than the withdrawal itself says."""
        if not lost:
            return
        names = state.unit_names()
        text = (
            "Samtykket er trukket tilbake. Disse tjenestene har ikke lenger grunnlag for å delta og har ikke "
            f"tilgang til saken før et nytt samtykke gjelder: {', '.join(names.get(u, u) for u in lost)}."
        )
        if state.level_lacks_consent():
            text += (
                f" Saken er på {LEVEL_NAMES[Level(state.row.level)]}, som krever samtykke for hver tjeneste "
                "som deltar på grunnlag av samtykke: be om nytt samtykke, ta tjenesten ut av saken eller "
                "flytt saken ned."
            )
        self.log.write(
            state,
            LogEntryKind.PARTICIPANT_BASIS_LAPSED,
            text=text,
            data={
                "consent_id": consent_id,
                "unit_ids": lost,
                "level_lacks_consent": state.level_lacks_consent(),
            },
            shared_with_family=False,
            by_system=True,
        )

    def list(self, case_id: str) -> list[Consent]:
        state = CaseState.read(self.work, case_id)
        family = self.work.actor.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH)
        self.work.authorize(Action.READ_FAMILY_VIEW if family else Action.READ_CASE, case=state.facts())
        return state.consents

    def _log_given(
        self, state: CaseState, consent_id: str, giver_ids: builtins.list[str], *, on_paper: bool
    ) -> None:
        consent = self._one(state, consent_id)
        self.log.write(
            state,
            LogEntryKind.CONSENT_GIVEN,
            data={
                "consent_id": consent_id,
                "giver_ids": giver_ids,
                "unit_ids": consent.unit_ids,
                "in_force": consent.is_in_force(self.work.now),
                "on_paper": on_paper,
            },
        )

    def _row(self, consent_id: str) -> m.ConsentRow:
        row = self.work.session.get(m.ConsentRow, consent_id)
        if row is None:
            raise _missing(consent_id)
        return row

    def _one(self, state: CaseState, consent_id: str) -> Consent:
        return next(c for c in state.consents if c.id == consent_id)

    def _units(self, unit_ids: builtins.list[str]) -> builtins.list[m.UnitRow]:
        if not unit_ids:
            raise InvalidInput(_("Samtykket må gjelde minst én tjeneste."), field="unit_ids")
        rows = self.work.session.scalars(
            select(m.UnitRow).where(
                m.UnitRow.id.in_(unit_ids), m.UnitRow.municipality_id == self.work.municipality_id
            )
        ).all()
        missing = set(unit_ids) - {r.id for r in rows}
        if missing:
            raise InvalidInput(
                _("Ukjente tjenester i samtykket: {units}").format(units=", ".join(sorted(missing))),
                field="unit_ids",
            )
        return list(rows)


def _missing(consent_id: str) -> NotFound:
    return NotFound(
        _("Fant ikke samtykket «{consent_id}».").format(consent_id=consent_id), code="consent_not_found"
    )
