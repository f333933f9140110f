"""Product questionnaires: the required questions a technical ticket answers, as data.

A questionnaire is chosen by the asset's vendor, then its category, then ``default``.
Embedders register their own with ``QuestionnaireRegistry.register``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date

from attrs import define, field, frozen

from .assets import DEFAULT_CATEGORY, Asset
from .errors import IncompleteAnswers


class QuestionKind(enum.StrEnum):
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"


YES, NO = "yes", "no"
MAX_TEXT_ANSWER = 2000


@frozen
class Choice:
    value: str
    labels: Mapping[str, str]  # language -> label


@frozen
class Question:
    id: str
    kind: QuestionKind
    labels: Mapping[str, str]  # language -> question text
    choices: tuple[Choice, ...] = ()

    def label(self, language: str) -> str:
        return self.labels.get(language) or next(iter(self.labels.values()), self.id)

    def choice_label(self, value: str, language: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.labels.get(language) or value
        return value

    def parse(self, raw: str) -> str:
        """Return the canonical stored form of one answer, or raise ``ValueError`` with a code."""
        value = raw.strip()
        if not value:
            raise ValueError("required")
        if self.kind is QuestionKind.DATE:
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                raise ValueError("invalid_date") from None
        if self.kind is QuestionKind.YES_NO:
            lowered = value.lower()
            if lowered in (YES, "true", "1", "tak"):
                return YES
            if lowered in (NO, "false", "0", "nie"):
                return NO
            raise ValueError("invalid_yes_no")
        if self.kind is QuestionKind.CHOICE:
            if value not in {c.value for c in self.choices}:
                raise ValueError("invalid_choice")
            return value
        if len(value) > MAX_TEXT_ANSWER or "\x00" in value:
            raise ValueError("too_long")
        return value


@frozen
class Questionnaire:
    id: str
    questions: tuple[Question, ...]

    def read(self, answers: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The answers in their stored form and the problems found (question id to error
        code: a missing or mistyped answer, or a question this questionnaire does not ask)."""
        clean: dict[str, str] = {}
        problems: dict[str, str] = {}
        for question in self.questions:
            try:
                clean[question.id] = question.parse(answers.get(question.id, ""))
            except ValueError as exc:
                problems[question.id] = str(exc)
        unknown = set(answers) - {q.id for q in self.questions}
        for key in sorted(unknown):
            problems[key] = "unknown_question"
        return clean, problems

    def validate(self, answers: Mapping[str, str]) -> dict[str, str]:
        """All questions answered with values of the right type, or ``IncompleteAnswers``."""
        clean, problems = self.read(answers)
        if problems:
            raise IncompleteAnswers(problems)
        return clean

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _yes_no(qid: str, pl: str, en: str) -> Question:
    return Question(qid, QuestionKind.YES_NO, {"pl": pl, "en": en})


OCCURRED_ON = Question(
    "occurred_on", QuestionKind.DATE, {"pl": "Data wystąpienia", "en": "Date of occurrence"}
)
FREQUENCY = Question(
    "frequency",
    QuestionKind.CHOICE,
    {"pl": "Jak często problem występuje?", "en": "How often does the problem occur?"},
    (
        Choice("constantly", {"pl": "Stale", "en": "Constantly"}),
        Choice("daily", {"pl": "Kilka razy dziennie", "en": "Several times a day"}),
        Choice("occasionally", {"pl": "Sporadycznie", "en": "Occasionally"}),
        Choice("once", {"pl": "Jednorazowo", "en": "Once"}),
    ),
)
PRODUCTION = _yes_no(
    "production", "Czy to środowisko produkcyjne?", "Is this a production environment?"
)

PALO_ALTO = Questionnaire(
    "PALO_ALTO",
    (
        OCCURRED_ON,
        _yes_no(
            "new_deployment",
            "Czy to nowe wdrożenie/konfiguracja?",
            "Is this a new deployment/configuration?",
        ),
        _yes_no("ever_worked", "Czy ta funkcja kiedyś działała?", "Did this function ever work?"),
        _yes_no(
            "changes_before",
            "Czy przed wystąpieniem problemu były wykonywane jakieś zmiany?",
            "Were any changes made before the problem appeared?",
        ),
        PRODUCTION,
        FREQUENCY,
    ),
)
DEFAULT = Questionnaire(DEFAULT_CATEGORY, (OCCURRED_ON, PRODUCTION, FREQUENCY))


@define
class QuestionnaireRegistry:
    """Questionnaires by vendor or category name; ``default`` always exists."""

    _by_name: dict[str, Questionnaire] = field(factory=dict)

    @classmethod
    def standard(cls, extra: Iterable[Questionnaire] = ()) -> QuestionnaireRegistry:
        registry = cls()
        for questionnaire in (DEFAULT, PALO_ALTO, *extra):
            registry.register(questionnaire)
        return registry

    def register(self, questionnaire: Questionnaire) -> None:
        self._by_name[questionnaire.id] = questionnaire

    def names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def get(self, questionnaire_id: str) -> Questionnaire:
        return self._by_name.get(questionnaire_id) or self._by_name.get(DEFAULT_CATEGORY, DEFAULT)

    def for_asset(self, asset: Asset) -> Questionnaire:
        for name in (asset.vendor, asset.category):
            if name in self._by_name:
                return self._by_name[name]
        return self.get(DEFAULT_CATEGORY)
