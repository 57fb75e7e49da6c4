"""The local realm's login page: instead of a password form, the people of the deployment's fictional
municipalities (those that allow synthetic fødselsnumre), grouped by unit, municipal role, guardians
and youth old enough to log in; choosing one completes the login (``LocalRealm.start_session``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from contracts import PersonKind
from core.auth.identity import youth_age
from core.auth.realm import AUTH_PARAMS, LocalRealm
from core.i18n import _
from core.platform import Platform
from core.storage import models as m
from core.web.render import environment

PERSONAS_PER_LIST = 25
TEMPLATES = Path(__file__).parent / "templates"
env = environment(TEMPLATES)


def render_login(realm: LocalRealm, params: dict[str, str], error: str = "") -> str:
    """The persona page; the authorization request's parameters ride along as hidden fields."""
    return env.get_template("realm_login.html").render(
        action=realm.endpoint("auth"),
        hidden=[(name, params.get(name, "")) for name in AUTH_PARAMS],
        municipalities=personas(realm.platform),
        error=error,
    )


def render_notice(title: str, heading: str, message: str = "", link: tuple[str, str] | None = None) -> str:
    """A short page of the realm's own: why a login cannot go on, or that the person is logged out."""
    return env.get_template("realm_notice.html").render(
        title=title, heading=heading, message=message, link=link
    )


def personas(platform: Platform) -> list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]]:
    """Per fictional municipality: (heading, [(group heading, [(person id, label)])])."""
    today = dt.date.today()
    out = []
    with platform.database.session() as session:
        for mconf in platform.config.municipalities:
            if not mconf.allow_synthetic_national_ids:
                continue
            mid, groups = mconf.id, []
            people = m.PersonRow
            for unit in mconf.units:
                rows = session.execute(
                    select(people.id, people.given_name, people.family_name, m.UnitMembershipRow.role)
                    .join(m.UnitMembershipRow, m.UnitMembershipRow.person_id == people.id)
                    .where(m.UnitMembershipRow.unit_id == unit.id, people.active)
                    .order_by(m.UnitMembershipRow.role.desc(), people.family_name, people.given_name)
                    .limit(PERSONAS_PER_LIST)
                ).all()
                role_text = {"unit_leader": _("enhetsleder"), "employee": _("ansatt")}
                if rows:
                    groups.append(
                        (
                            unit.name,
                            [(r.id, f"{r.given_name} {r.family_name} – {role_text[r.role]}") for r in rows],
                        )
                    )
            municipal = session.execute(
                select(people.id, people.given_name, people.family_name, m.MunicipalRoleRow.role)
                .join(m.MunicipalRoleRow, m.MunicipalRoleRow.person_id == people.id)
                .where(people.municipality_id == mid, people.active)
                .order_by(m.MunicipalRoleRow.role, people.family_name)
                .limit(PERSONAS_PER_LIST)
            ).all()
            role_text = {
                "coordinator": _("BTI-koordinator"),
                "administrator": _("administrator"),
                "auditor": _("revisor"),
            }
            if municipal:
                groups.append(
                    (
                        _("Kommunale roller"),
                        [(r.id, f"{r.given_name} {r.family_name} – {role_text[r.role]}") for r in municipal],
                    )
                )
            # guardians whose child has a case come first, so a demo visitor finds a Min side with content
            with_case = (
                select(m.GuardianshipRow.guardian_id)
                .join(m.CaseRow, m.CaseRow.subject_id == m.GuardianshipRow.child_id)
                .where(m.GuardianshipRow.parental_responsibility.is_(True))
            )
            has_case = people.id.in_(with_case)
            guardians = session.execute(
                select(people.id, people.given_name, people.family_name, has_case.label("has_case"))
                .where(people.municipality_id == mid, people.kind == str(PersonKind.GUARDIAN), people.active)
                .order_by(has_case.desc(), people.family_name, people.given_name)
                .limit(PERSONAS_PER_LIST)
            ).all()
            if guardians:
                label = _(" – barnet har en sak")
                groups.append(
                    (
                        _("Foresatte"),
                        [
                            (r.id, f"{r.given_name} {r.family_name}{label if r.has_case else ''}")
                            for r in guardians
                        ],
                    )
                )
            limit = youth_age(platform, mid)
            born_before = today.replace(year=today.year - limit)
            youth = session.execute(
                select(people.id, people.given_name, people.family_name, people.birth_date)
                .where(
                    people.municipality_id == mid,
                    people.kind == str(PersonKind.CHILD),
                    people.active,
                    people.birth_date <= born_before,
                )
                .order_by(people.family_name, people.given_name)
                .limit(PERSONAS_PER_LIST)
            ).all()
            if youth:
                groups.append(
                    (
                        _("Ungdom fra {age} år").format(age=limit),
                        [
                            (
                                r.id,
                                _("{name} ({age} år)").format(
                                    name=f"{r.given_name} {r.family_name}", age=_age(r.birth_date, today)
                                ),
                            )
                            for r in youth
                        ],
                    )
                )
            count = session.scalar(select(func.count(people.id)).where(people.municipality_id == mid)) or 0
            if count:
                out.append((f"{mconf.name} ({mid})", groups))
    return out


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
