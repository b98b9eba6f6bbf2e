"""The quiz editor (issue 21): a quiz lesson's rules, questions, answers and analytics.

Every change goes to a service that checks ownership (services/teaching/quiz_builder.py);
ids come from form fields or event arguments and are parsed, never trusted. A refusal is
shown next to the form it is about (`errors`, keyed by form), not only as a toast.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import DomainError, NotSignedIn
from lms_reflex.services.teaching import quiz_builder, quiz_editor, quiz_options
from lms_reflex.services.teaching.quiz_editor import QuizEditorView, QuizStats
from lms_reflex.services.validation import parse_id
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, field, route_param


def _whole(value: object) -> int | None:
    """A whole number typed in a form; None (refused by the service) for anything else."""
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and len(text) <= 9 else None


def rearranged(quiz: QuizEditorView | None, order: Any) -> QuizEditorView | None:
    """The quiz on screen with its questions in `order`, renumbered (None if it does not fit).

    Only a rearrangement of exactly the questions on screen is shown early; the server's
    answer replaces it anyway.
    """
    if quiz is None or not isinstance(order, list):
        return None
    by_id = {q.id: q for q in quiz.questions}
    if len(order) != len(by_id) or not all(type(i) is int and i in by_id for i in order):
        return None
    if len(set(order)) != len(order):
        return None
    questions = [dataclasses.replace(by_id[i], number=n) for n, i in enumerate(order, start=1)]
    return dataclasses.replace(quiz, questions=questions)


class QuizEditorState(rx.State):
    """One quiz lesson as its instructor edits it."""

    lesson_number: int = 0
    quiz: QuizEditorView | None = None
    stats: QuizStats | None = None
    problem: str = ""
    loaded: bool = False
    errors: dict[str, str] = {}
    delete_open: bool = False
    delete_kind: str = ""
    delete_target: int = 0

    async def _refresh(self, actor: Actor | None) -> None:
        self.quiz = await call_service(
            quiz_editor.quiz_editor, readonly=True, actor=actor, lesson_id=self.lesson_number
        )
        self.stats = await call_service(
            quiz_editor.quiz_stats, readonly=True, actor=actor, lesson_id=self.lesson_number
        )

    @rx.event
    async def load(self):
        """Open the quiz in the URL for its instructor; others are told why not."""
        self.loaded, self.errors, self.delete_open = False, {}, False
        self.lesson_number = parse_id(route_param(self, "id"))
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect(routes.login_url(routes.quiz_edit_url(self.lesson_number)))
        try:
            await self._refresh(actor)
            self.problem = ""
        except DomainError as exc:
            self.quiz, self.stats, self.problem = None, None, exc.message
        self.loaded = True
        return None

    async def _change(self, key: str, fn: Callable[..., Any], done: str, **kwargs: Any):
        """Run a builder service; a refusal is kept under `key`, next to its form."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        try:
            await call_service(fn, actor=actor, **kwargs)
            await self._refresh(actor)
        except DomainError as exc:
            self.errors = {**self.errors, key: exc.message}
            return error_toast(exc)
        self.errors = {k: v for k, v in self.errors.items() if k != key}
        return rx.toast.success(done)

    @rx.event
    async def save_settings(self, form: dict):
        """Pass mark, attempts, time limit (minutes) and when answers are shown."""
        minutes = _whole(field(form, "time_limit_min", 20) or "0")
        return await self._change(
            "settings", quiz_builder.update_quiz_settings, "Quiz settings saved.",
            lesson_id=self.lesson_number,
            pass_mark_pct=_whole(field(form, "pass_mark_pct", 20)),
            attempts_allowed=_whole(field(form, "attempts_allowed", 20)),
            time_limit_s=None if minutes is None else minutes * 60,
            show_answers=field(form, "show_answers", 20),
        )  # fmt: skip

    @rx.event
    async def add_question(self, form: dict):
        """Append a question of the chosen type."""
        return await self._change(
            "new", quiz_builder.add_question, "Question added.", lesson_id=self.lesson_number,
            type=field(form, "type", 20), prompt=field(form, "prompt", 3000),
        )  # fmt: skip

    @rx.event
    async def save_question(self, form: dict):
        """Save a question's text, explanation and answer key."""
        question_id = parse_id(form.get("question_id"))
        return await self._change(
            f"q-{question_id}", quiz_builder.update_question, "Question saved.",
            question_id=question_id, prompt=field(form, "prompt", 3000),
            explanation=field(form, "explanation", 6000), shuffle=form.get("shuffle") == "on",
            accepted_answers=field(form, "accepted_answers", 12000),
            numeric_value=field(form, "numeric_value", 64),
            tolerance=field(form, "tolerance", 64),
        )  # fmt: skip

    async def _save_order(self, order: Any):
        """Save a whole order; a refused one puts the server's order back on screen."""
        problem = await self._change(
            "order", quiz_builder.reorder_questions, "Question moved.",
            lesson_id=self.lesson_number, question_ids=order,
        )  # fmt: skip
        if "order" in self.errors:
            with contextlib.suppress(DomainError):
                await self._refresh(await current_actor(self))
        return problem

    @rx.event
    async def move_question(self, question_id: int, offset: int):
        """Move a question one place up (-1) or down (+1): the whole order is saved."""
        if await current_actor(self) is None:
            return error_toast(NotSignedIn())
        order = [q.id for q in self.quiz.questions] if self.quiz else []
        qid = parse_id(question_id)
        if qid not in order or offset not in (-1, 1):
            return None
        at = order.index(qid)
        to = min(max(at + offset, 0), len(order) - 1)
        order[at], order[to] = order[to], order[at]
        return await self._save_order(order)

    @rx.event
    async def move_questions(self, question_ids: list):
        """Dropped a question: every question id in the new order, checked by the service."""
        shown = rearranged(self.quiz, question_ids)
        if shown is not None:
            self.quiz = shown
            yield  # the drop shows at once; the server's order follows
        yield await self._save_order(question_ids)

    @rx.event
    async def add_option(self, form: dict):
        """Append an answer to a choice question."""
        question_id = parse_id(form.get("question_id"))
        return await self._change(
            f"new-o-{question_id}", quiz_options.add_option, "Answer added.",
            question_id=question_id, text=field(form, "text", 600),
            is_correct=form.get("is_correct") == "on",
        )  # fmt: skip

    @rx.event
    async def save_option(self, form: dict):
        """Save an answer's text and its correct flag."""
        option_id = parse_id(form.get("option_id"))
        return await self._change(
            f"o-{option_id}", quiz_options.update_option, "Answer saved.",
            option_id=option_id, text=field(form, "text", 600),
            is_correct=form.get("is_correct") == "on",
        )  # fmt: skip

    @rx.event
    async def move_option(self, option_id: int, offset: int):
        """Move an answer one place up (-1) or down (+1) within its question."""
        option = parse_id(option_id)
        return await self._change(
            f"o-{option}", quiz_options.move_option, "Answer moved.",
            option_id=option, offset=offset,
        )  # fmt: skip

    @rx.event
    def ask_delete(self, kind: str, target: int):
        """Ask before deleting a question or an answer (display only)."""
        if kind not in ("question", "option") or not isinstance(target, int):
            return
        self.delete_kind, self.delete_target, self.delete_open = kind, target, True

    @rx.event
    def set_delete_open(self, value: bool):
        """Closing the confirmation deletes nothing."""
        self.delete_open = value is True and self.delete_open

    @rx.event
    async def confirm_delete(self):
        """Delete what the confirmation names; the service checks ownership."""
        self.delete_open = False
        if self.delete_kind == "question":
            return await self._change(
                "order", quiz_builder.delete_question, "Question deleted.",
                question_id=self.delete_target,
            )  # fmt: skip
        return await self._change(
            "order", quiz_options.delete_option, "Answer deleted.", option_id=self.delete_target
        )
