"""Øving: fictional cases and short learning modules a plugin ships, so employees practise the guide,
its tools and the difficult conversation on cases that are not real (hooks ``practice_cases`` and
``learning_modules``). Everything here is read by employees, in bokmål."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import msgspec

from .base import Contract, ShortText, Text
from .enums import Level, ServiceType

PracticeId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]


class PracticeMeasure(Contract):
    """A tiltak the story says was already tried, with the days until its evaluation."""

    title: ShortText
    goal: ShortText
    evaluation_in_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 14


class PracticeCase(Contract):
    """A fictional case to practise on: who the child is, what was noticed, where the case stands, the
    next step to try, and what a good answer to that step contains.

    Starting it makes a fictional child and guardians in the practice space and opens the case through
    the real services at ``level``; the tiltak in ``measures`` are already in the log, and at nivå 2
    or more the services in ``partners`` take part under a consent given on paper.
    """

    id: PracticeId
    title: ShortText  # "Stille gutt i barnehagen"
    service_type: ServiceType  # the kind of unit the case starts in
    child_given_name: ShortText
    child_family_name: ShortText
    age_years: Annotated[int, msgspec.Meta(ge=0, le=23)]
    story: Text  # the short story, a few sentences
    undring: Text  # what was noticed: the case's first entry
    next_step: Text  # what to try next, in the guide's words
    good_answer: list[ShortText]  # what a good answer contains, point by point
    level: Level = Level.CLARIFY
    measures: list[PracticeMeasure] = []
    partners: list[ServiceType] = []  # the services in the case from nivå 2


class LearningQuestion(Contract):
    """A question with options; the explanation says why the right one is right."""

    text: ShortText
    options: Annotated[list[ShortText], msgspec.Meta(min_length=2, max_length=6)]
    answer: Annotated[int, msgspec.Meta(ge=0)]  # the index of the right option
    explanation: Text


class LearningModule(Contract):
    """A short learning module: a few paragraphs, then questions; done when every answer is right."""

    id: PracticeId
    title: ShortText
    summary: ShortText  # one line for the list
    paragraphs: Annotated[list[Text], msgspec.Meta(min_length=1)]
    questions: Annotated[list[LearningQuestion], msgspec.Meta(min_length=1)]

    def __post_init__(self) -> None:
        for number, question in enumerate(self.questions, start=1):
            if question.answer >= len(question.options):
                raise ValueError(f"spørsmål {number} i «{self.id}»: svaret er ikke et av alternativene")


class PracticeMaterial(Contract):
    """A plugin's practice material as it keeps it in a TOML file: ``[[case]]`` and ``[[module]]``."""

    case: list[PracticeCase] = []
    module: list[LearningModule] = []


def load_practice(path: Path) -> PracticeMaterial:
    """Read and check a plugin's practice material (a fault names the field, e.g. ``$.case[2].level``)."""
    return msgspec.toml.decode(path.read_bytes(), type=PracticeMaterial)
