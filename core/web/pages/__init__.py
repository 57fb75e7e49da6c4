"""The pages' routes, one module per page: employees' Mine saker (``worklist``), Ny undring
(``new_case``), the case page and its actions (``case_page``), the service directory and arenas
(``directory_pages``), the practice space (``practice``); the family's Min side (``family``). What
they share is in ``shared``.
Every action is a plain form POST (Post/Redirect/Get), so nothing needs JavaScript; a refusal
re-shows the page with the rule's words and a 4xx status."""

from __future__ import annotations

from core.web.pages import (
    case_page,
    directory_pages,
    family,
    indicators_page,
    language,
    new_case,
    notifications,
    practice,
    report_page,
    worklist,
)
from core.web.pages.shared import FormRefused

HANDLERS = [
    worklist.worklist,
    new_case.new_concern,
    new_case.find_child,
    new_case.register_person,
    new_case.register_concern,
    new_case.anonymous_discussion,
    case_page.case_page,
    case_page.change_level,
    case_page.close_case,
    case_page.add_measure,
    case_page.evaluate_measure,
    case_page.change_measure_status,
    case_page.add_participant,
    case_page.request_consent,
    case_page.assign_relay_holder,
    case_page.assign_coordinator,
    case_page.make_plan,
    case_page.plan_section,
    case_page.offer_handover,
    case_page.answer_handover,
    case_page.fill_in_tool,
    case_page.write_note,
    case_page.correct_entry,
    case_page.schedule_meeting,
    case_page.reschedule_meeting,
    case_page.cancel_meeting,
    report_page.send_report,
    report_page.answer_report,
    directory_pages.service_directory,
    directory_pages.arenas,
    indicators_page.indicators,
    family.family_home,
    family.family_case,
    family.comment,
    family.report_home_task,
    family.give_consent,
    family.refuse_consent,
    family.withdraw_consent,
    notifications.notifications,
    notifications.read_all,
    notifications.choose,
    notifications.unsubscribe_page,
    notifications.unsubscribe_now,
    notifications.open_notification,
    family.plan_goals,
    family.plan_comment,
    practice.practice_home,
    practice.enter_practice,
    practice.leave_practice,
    practice.start_practice_case,
    practice.complete_practice_case,
    practice.learning_module,
    practice.answer_learning_module,
    language.choose_language,
]

__all__ = ["HANDLERS", "FormRefused"]
