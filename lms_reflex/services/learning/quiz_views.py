"""What a student's browser receives about a quiz (issue 21).

Before an attempt is submitted these views carry prompts and option texts only: no correct
flags, accepted answers or explanations (docs/security.md case 56). Results name the right
answers only when the quiz's show-answers setting allows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms_reflex.services.certificates.views import Issued


@dataclass(frozen=True)
class OptionView:
    """A choice as the student sees it (no correct flag)."""

    id: int
    text: str


@dataclass(frozen=True)
class QuestionView:
    """A question of an open attempt; options in the attempt's order."""

    id: int
    number: int
    type: str
    prompt: str
    options: list[OptionView]


@dataclass(frozen=True)
class QuestionResult:
    """How one question went; explanation and correct answer are "" unless shown."""

    question_id: int
    number: int
    prompt: str
    correct: bool
    explanation: str
    correct_answer: str


@dataclass(frozen=True)
class AttemptResult:
    """A submitted attempt. `questions` is empty when the quiz never shows results."""

    attempt_id: int
    score_pct: int
    passed: bool
    questions: list[QuestionResult]


@dataclass(frozen=True)
class QuizView:
    """The quiz for one student: rules, their attempts, the open attempt or last result."""

    lesson_id: int
    question_count: int
    pass_mark_pct: int
    attempts_allowed: int  # 0 = unlimited
    attempts_used: int
    best_score_pct: int | None
    passed: bool
    time_limit_s: int | None
    ready: bool  # False while the instructor has not finished the questions
    attempt_id: int | None = None
    seconds_left: int | None = None
    questions: list[QuestionView] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)  # question id -> saved value
    last_result: AttemptResult | None = None
    course_completed: bool = False

    @property
    def can_start(self) -> bool:
        """A new attempt is possible: the quiz is ready and attempts remain."""
        left = self.attempts_allowed == 0 or self.attempts_used < self.attempts_allowed
        return self.ready and self.attempt_id is None and left


@dataclass(frozen=True)
class QuizOutcome:
    """A quiz call's answer: the view for the browser, and a certificate this call issued.

    The certificate (with its mail, sent after the reply) stays on the server: states keep
    `view` only.
    """

    view: QuizView
    certificate: Issued | None = None
