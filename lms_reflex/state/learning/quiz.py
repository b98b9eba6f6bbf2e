"""The quiz panel of the lesson player (issue 21): start, answer as you go, submit, retry.

The lesson comes from the URL and the attempt from the server's answer; ids the browser
sends are only passed on, and the services check that the attempt is the caller's own and
the question belongs to it (docs/security.md case 56). No answer key is ever held here:
QuizView has none before submission.
"""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, NotSignedIn
from lms_reflex.services.learning import quizzes
from lms_reflex.services.learning.quiz_views import QuizOutcome, QuizView
from lms_reflex.services.validation import parse_id
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, route_param, send_after_reply

ANSWER_TEXT_MAX = 1_000  # the service refuses over 500 with a sentence


class QuizState(rx.State):
    """The quiz of the lesson on screen, for the enrolled student."""

    is_quiz: bool = False
    quiz: QuizView | None = None
    quiz_problem: str = ""
    seconds_left: int = 0
    can_start: bool = False  # QuizView.can_start, which the browser cannot compute
    answer_errors: dict[str, str] = {}  # question id -> why its answer was not saved
    _lesson_id: int = 0
    _timer_run: int = 0

    def _take(self, outcome: QuizOutcome | None) -> None:
        self.is_quiz, self.quiz_problem, self.answer_errors = outcome is not None, "", {}
        self.quiz = outcome.view if outcome else None
        if outcome is not None and outcome.certificate is not None:
            send_after_reply(outcome.certificate.mail)  # built by the service, exactly once
        self.seconds_left = (self.quiz.seconds_left or 0) if self.quiz else 0
        self.can_start = self.quiz.can_start if self.quiz else False
        self._timer_run += 1

    def _timer(self):
        return QuizState.tick if self.seconds_left > 0 else None

    def _show_video(self, lesson_id: int) -> None:
        """The lesson on screen is a video: no quiz panel, and any quiz timer stops."""
        self._lesson_id = lesson_id
        self._take(None)

    @rx.event
    async def load(self):
        """Find out whether the lesson in the URL is a quiz, and show its state."""
        self._lesson_id = parse_id(route_param(self, "lesson"))
        self.is_quiz, self.quiz, self.quiz_problem = False, None, ""
        self.answer_errors = {}
        actor = await current_actor(self)
        try:
            outcome = await call_service(
                quizzes.player_quiz, actor=actor, lesson_id=self._lesson_id
            )
        except DomainError as exc:
            self.is_quiz, self.quiz_problem = True, exc.message
            return None
        self._take(outcome)
        return self._timer()

    @rx.event
    async def start(self):
        """Start a new attempt (or resume the open one)."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        try:
            outcome = await call_service(
                quizzes.start_attempt, actor=actor, lesson_id=self._lesson_id
            )
        except DomainError as exc:
            return error_toast(exc)
        self._take(outcome)
        return self._timer()

    async def _save(self, question_id: int, value: object):
        """Refusals sit under their question (errors next to their field), until it saves.

        A toast would vanish while the student still looks at the answer it is about.
        """
        actor = await current_actor(self)
        if actor is None or self.quiz is None:
            return error_toast(NotSignedIn())
        key = str(question_id)
        try:
            await call_service(
                quizzes.save_answer, actor=actor, attempt_id=self.quiz.attempt_id or 0,
                question_id=question_id, value=value,
            )  # fmt: skip
        except DomainError as exc:
            self.answer_errors = {**self.answer_errors, key: exc.message}
            return None
        self.answer_errors = {k: v for k, v in self.answer_errors.items() if k != key}
        answers = {**self.quiz.answers, str(question_id): value}
        self.quiz = dataclasses.replace(self.quiz, answers=answers)
        return None

    @rx.event
    async def save_answer(self, question_id: int, value: str):
        """Save a chosen option (its id as text), a typed text or a number as typed."""
        qid = parse_id(question_id)
        question = (
            next((q for q in self.quiz.questions if q.id == qid), None) if self.quiz else None
        )
        text = value[:ANSWER_TEXT_MAX] if isinstance(value, str) else ""
        sent: object = text
        if question is not None and question.type in ("single", "true_false"):
            sent = parse_id(text) or None
        return await self._save(qid, sent)

    @rx.event
    async def toggle_option(self, question_id: int, option_id: int, checked: bool):
        """Tick or untick one answer of a multiple-choice question; the whole set is saved."""
        qid = parse_id(question_id)
        current = self.quiz.answers.get(str(qid)) if self.quiz else None
        chosen = set(current) if isinstance(current, list) else set()
        oid = parse_id(option_id)
        chosen = chosen | {oid} if checked is True else chosen - {oid}
        return await self._save(qid, sorted(chosen))

    @rx.event
    async def submit(self):
        """Grade the attempt; a pass completes the lesson, so the syllabus reloads."""
        actor = await current_actor(self)
        if actor is None or self.quiz is None:
            return error_toast(NotSignedIn())
        try:
            outcome = await call_service(
                quizzes.submit_attempt, actor=actor, attempt_id=self.quiz.attempt_id or 0
            )
        except DomainError as exc:
            return error_toast(exc)
        self._take(outcome)
        # Imported here: the player imports this module to chain `load` after its own.
        from lms_reflex.state.learning.player import PlayerState

        return PlayerState.load

    @rx.event(background=True)
    async def tick(self):
        """Count the time limit down once a second (display only: the server keeps time)."""
        async with self:
            run = self._timer_run
        while True:
            await asyncio.sleep(1)
            async with self:
                if run != self._timer_run or self.seconds_left <= 0:
                    return
                self.seconds_left -= 1
                if self.seconds_left > 0:
                    continue
            yield QuizState.load  # time is up: the server grades what was saved
            return
