"""Moving to another municipality: in another Stafett deployment by an export package signed by the
sender and verified on import, or within this deployment directly (``core.move_job``).

With a consent in force that covers moving (a category naming "flytting"), an operator exports a case
(``stafett move export``): the whole ``CaseRecord`` in a JSON body, signed with the deployment's Ed25519
key (``core.auth.keys.export_key``), and the case is closed as moved, so the old municipality keeps
only what the archive takes (the archive version goes out as for every closed case). The receiving
deployment imports it (``stafett move import``) only when the signature verifies against the sender's
public key, got from the sender beforehand (``stafett move key``): one byte changed anywhere, and the
package is refused. The import opens the case at the receiving unit on nivå 0 and writes the whole
log into it, each entry with its original time and author, so the history carries over.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select

from contracts import (
    Case,
    CaseRecord,
    CaseStatus,
    Level,
    LogEntryKind,
    ParticipationBasis,
    PersonKind,
    Refusal,
)
from core.domain.policy import Action
from core.errors import InvalidInput, NotFound, RuleRefused
from core.i18n import N_, _
from core.ids import new_id
from core.services import mapping
from core.services.cases import CaseService
from core.services.people import PeopleService
from core.services.record import RecordService
from core.services.relaylog import RelayLogService
from core.services.state import CaseState
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

FORMAT = "stafett-flytting/1"
PURPOSE_MOVE = "flytting av saken til en annen kommune (samtykke)"
REFUSED = N_("Pakken er endret eller ikke signert av avsenderen; den er ikke importert.")


def public_key(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(record: CaseRecord, *, sender: dict[str, str], private_pem: str) -> bytes:
    """The package: the body (format, sender, record) in base64, and the signature over exactly it."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    body = json.dumps({"format": FORMAT, "sender": sender, "record": msgspec.to_builtins(record)}).encode()
    package = {
        "body": base64.b64encode(body).decode(),
        "signature": base64.b64encode(key.sign(body)).decode(),
    }
    return json.dumps(package, indent=1).encode()


def _b64(text: Any) -> bytes:
    """Strict base64: a changed character never decodes to the same bytes (``binascii.Error`` if not)."""
    if not isinstance(text, str):
        raise binascii.Error("not text")
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data).decode() != text:
        raise binascii.Error("not canonical")
    return data


def verify(package: bytes, *, trusted_public_pem: str) -> tuple[dict[str, str], CaseRecord]:
    """The sender and the record of a package signed by the holder of ``trusted_public_pem``; anything
    else (a changed byte, another signer, another format) is refused with ``InvalidInput``."""
    try:
        key = serialization.load_pem_public_key(trusted_public_pem.encode())
    except ValueError:
        raise InvalidInput(_("Avsenderens offentlige nøkkel kan ikke leses."), field="trusted_key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(_("Avsenderens nøkkel er ikke en Ed25519-nøkkel."), field="trusted_key")
    try:
        outer = json.loads(package)
        body, signature = _b64(outer["body"]), _b64(outer["signature"])
        key.verify(signature, body)
        inner = json.loads(body)
        if inner.get("format") != FORMAT:
            raise ValueError(inner.get("format"))
        return dict(inner["sender"]), msgspec.convert(inner["record"], CaseRecord)
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature, msgspec.ValidationError):
        raise InvalidInput(_(REFUSED), field="package", code="package_refused") from None


class MovingService:
    def __init__(self, work: Work) -> None:
        self.work = work

    def export(self, case_id: str) -> CaseRecord:
        """The whole case for the new municipality, under the family's consent; the case is then closed
        as moved here (``flyttet``), and its archive version goes to the archive."""
        record = self.record_for_move(case_id, lock=True)
        self.close_moved(case_id)
        return record

    def record_for_move(self, case_id: str, *, lock: bool = False) -> CaseRecord:
        """The whole open case, when the family has consented to moving it (a category naming flytting)."""
        work = self.work
        state = CaseState(work, case_id, lock=lock)
        work.authorize(Action.EXPORT_CASE, case=state.facts())
        if state.row.status != CaseStatus.OPEN:
            raise RuleRefused([_refusal("move_closed", _("Saken er avsluttet og kan ikke flyttes."))])
        moving = [c for c in state.consents_in_force() if any("flytting" in k.lower() for k in c.categories)]
        if not moving:
            reason = _("Foresatte har ikke samtykket til at saken flyttes (et samtykke som nevner flytting).")
            raise RuleRefused([_refusal("move_needs_consent", reason)])
        return RecordService(work).load(state, [])

    def close_moved(self, case_id: str) -> None:
        CaseService(self.work).close(
            case_id, "moved", note="Saken er flyttet til en annen kommune med samtykke."
        )

    def moved_here(self, origin_case_id: str) -> str | None:
        """The case this municipality opened from ``origin_case_id``, if it has already taken it in."""
        return self.work.session.scalar(
            select(m.LogEntryRow.case_id)
            .join(m.CaseRow, m.CaseRow.id == m.LogEntryRow.case_id)
            .where(
                m.CaseRow.municipality_id == self.work.municipality_id,
                m.LogEntryRow.kind == LogEntryKind.NOTE,
                m.LogEntryRow.data["moved_case_id"].as_string() == origin_case_id,
            )
        )

    def import_case(
        self, record: CaseRecord, *, unit_id: str, sender: dict[str, str], signed: bool = True
    ) -> Case:
        """Open the moved case at ``unit_id`` on nivå 0 with its whole log; the child and guardians are
        found by fødselsnummer or registered. ``signed``: it came in a verified package (else from a
        municipality of this deployment)."""
        work = self.work
        work.authorize(Action.OPEN_CASE, unit_id=unit_id, subject_id=None)
        unit = work.session.get(m.UnitRow, unit_id)
        if unit is None or unit.municipality_id != work.municipality_id:
            raise NotFound(
                _("Fant ingen aktiv enhet «{unit_id}» i kommunen.").format(unit_id=unit_id),
                code="unit_not_found",
            )
        people = PeopleService(work)
        subject = record.subject
        child_id = self._find(subject.national_id) or people.register_child(
            given_name=subject.given_name, family_name=subject.family_name,
            birth_date=subject.birth_date, national_id=subject.national_id,
        ).id  # fmt: skip
        responsible = {g.guardian_id: g.parental_responsibility for g in record.guardianships}
        for g in record.guardians:
            found = self._find(g.national_id)
            if found is None:
                people.register_guardian(
                    given_name=g.given_name, family_name=g.family_name, child_id=child_id,
                    parental_responsibility=responsible.get(g.id, False), national_id=g.national_id,
                )  # fmt: skip
            else:
                people.link_guardian(
                    child_id=child_id, guardian_id=found, parental_responsibility=responsible.get(g.id, False)
                )
        row = m.CaseRow(
            id=new_id(), municipality_id=work.municipality_id, subject_id=child_id, owner_unit_id=unit.id,
            level=int(Level.CLARIFY), status=str(CaseStatus.OPEN), opened_at=work.now,
        )  # fmt: skip
        work.session.add(row)
        work.session.add(
            m.ParticipantRow(
                case_id=row.id, unit_id=unit.id, basis=str(ParticipationBasis.OWNER), added_at=work.now
            )
        )
        work.session.flush()
        state = CaseState(work, row.id, lock=True)
        log = RelayLogService(work)
        names = {p.id: f"{p.given_name} {p.family_name}" for p in [*record.employees, *record.guardians]}
        names[subject.id] = f"{subject.given_name} {subject.family_name}"
        origin = f"{sender.get('municipality_name', '')} ({sender.get('municipality_id', '')})".strip()
        for entry in record.log:
            origin_data = {"flyttet_fra": origin, "opprinnelig_tid": entry.at.isoformat(),
                           "skrevet_av": names.get(entry.author_id or "", "Stafett")}  # fmt: skip
            log.write(
                state, entry.kind, text=entry.text, shared_with_family=entry.shared_with_family,
                hidden_from_guardians=entry.hidden_from_guardians, by_system=True,
                data={**entry.data, **origin_data},
            )  # fmt: skip
        how = "i en signert pakke som er kontrollert" if signed else "i samme Stafett"
        log.write(
            state, LogEntryKind.NOTE, by_system=True, text=f"Saken er flyttet hit fra {origin} {how}.",
            data={"moved_case_id": record.case.id},
        )  # fmt: skip
        return mapping.case(state.row)

    def _find(self, national_id: str | None) -> str | None:
        if not national_id:
            return None
        return self.work.session.scalar(
            select(m.PersonRow.id).where(
                m.PersonRow.municipality_id == self.work.municipality_id,
                m.PersonRow.national_id == national_id,
                m.PersonRow.kind.in_([PersonKind.CHILD, PersonKind.GUARDIAN, PersonKind.PREGNANT]),
            )
        )


def _refusal(code: str, message: str) -> Refusal:
    return Refusal(code=code, message=message)
