"""The Questions area under a lesson (issue 21): ask, answer, upvote, accept, hide.

The lesson comes from the URL; question and answer ids from the browser are only passed
on, and every service checks enrollment or staff rights on each call (docs/security.md,
"Lesson Q&A"). A new question queues the instructor's digest; this worker sends it when
it is due, and `sweep_question_digests` (a lifespan task) sends any that a restart left.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError
from lms_reflex.services.learning import question_digests, question_moderation, questions
from lms_reflex.services.learning.question_views import SORTS, QuestionsPanel, questions_panel
from lms_reflex.services.validation import parse_id
from lms_reflex.settings import get_settings
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import as_actor
from lms_reflex.state.util import (
    error_toast,
    field,
    route_param,
    send_after_reply,
    send_mail_off_loop,
)

log = logging.getLogger("lms_reflex.questions")
SWEEP_INTERVAL_S = 60.0
_digest_tasks: set[asyncio.Task[None]] = set()  # strong references until each run ends


async def deliver_due_digests() -> int:
    """Claim the digests that are due and send them off the event loop; how many went."""
    try:
        mails = await call_service(question_digests.send_due_digests)
    except Exception:  # a sweep must outlive a database hiccup
        log.exception("could not claim question digests")
        return 0
    sent = [await send_mail_off_loop(mail) for mail in mails]
    return sum(sent)


async def _deliver_after(delay_s: float) -> None:
    await asyncio.sleep(delay_s)
    await deliver_due_digests()


def deliver_digests_later() -> None:
    """After a question: send the digest on this worker once it is due (never awaited)."""
    delay = get_settings().question_digest_delay_s + 0.5
    task = asyncio.get_running_loop().create_task(_deliver_after(delay))
    _digest_tasks.add(task)
    task.add_done_callback(_digest_tasks.discard)


async def sweep_question_digests(interval_s: float = SWEEP_INTERVAL_S) -> None:
    """A lifespan task: send digests whose worker restarted before they were due."""
    while True:
        await asyncio.sleep(interval_s)
        await deliver_due_digests()


class QuestionsState(FieldErrors, rx.State):
    """The questions of the lesson on screen, for its enrolled students and staff."""

    panel: QuestionsPanel | None = None
    sort: str = "new"
    _lesson_id: int = 0

    def _show_panel(self, lesson_id: int, panel: QuestionsPanel | None) -> None:
        """Show one lesson's questions; None hides the area (not enrolled, signed out)."""
        self._lesson_id = lesson_id
        self.panel, self.field_errors = panel, {}

    @rx.event
    async def load(self):
        """Show the lesson's questions to those who may read them; nothing to others.

        The player's own load reads them in its transaction (`PlayerState._show_panels`).
        """
        lesson_id = parse_id(route_param(self, "lesson"))
        try:
            panel = await as_actor(self, questions_panel, lesson_id=lesson_id, sort=self.sort)
        except DomainError:
            panel = None  # not enrolled, signed out or no such lesson: no Questions area
        self._show_panel(lesson_id, panel)

    @rx.event
    async def set_sort(self, value: str):
        """New or Top."""
        self.sort = value if value in SORTS else "new"
        return await self._write(questions_panel, lesson_id=self._lesson_id)

    async def _write(self, service, **args) -> rx.event.EventSpec | None:
        """Run one Q&A service for the signed-in user and show the panel it returns."""
        try:
            result = await as_actor(self, service, readonly=False, sort=self.sort, **args)
        except DomainError as exc:
            return error_toast(exc)
        self.panel = result
        return None

    @rx.event
    async def ask(self, form: dict):
        """Ask a question on this lesson (title and Markdown body)."""
        self._clear_field_errors()
        try:
            self.panel = await as_actor(
                self, questions.ask_question, readonly=False, lesson_id=self._lesson_id,
                title=field(form, "title", 400), body=field(form, "body", 12_000), sort=self.sort,
            )  # fmt: skip
        except DomainError as exc:
            return self._refuse(exc, ("title", "body"))
        deliver_digests_later()
        return [rx.set_value("field-title", ""), rx.set_value("field-body", ""),
                rx.toast.success("Your question is posted.")]  # fmt: skip

    @rx.event
    async def answer(self, form: dict):
        """Answer a question; its id travels in a hidden field of the form."""
        self._clear_field_errors()
        question_id = parse_id(field(form, "question_id", 20))
        name = f"answer-{question_id}"
        try:
            posted = await as_actor(
                self, questions.answer_question, readonly=False, question_id=question_id,
                body=field(form, "answer", 12_000), sort=self.sort,
            )  # fmt: skip
        except DomainError as exc:
            return self._refuse(exc, (name,), rename={"answer": name})
        self.panel = posted.panel
        send_after_reply(posted.mail)  # built by the service; None when nobody is told
        return [rx.set_value(f"field-{name}", ""), rx.toast.success("Your answer is posted.")]

    @rx.event
    async def toggle_vote(self, question_id: int):
        """Upvote a question, or take the upvote back."""
        return await self._write(question_moderation.toggle_vote, question_id=question_id)

    @rx.event
    async def toggle_accept(self, answer_id: int):
        """Staff: mark an answer as accepted, or unmark it."""
        return await self._write(question_moderation.toggle_accepted, answer_id=answer_id)

    @rx.event
    async def hide_question(self, question_id: int, hidden: bool):
        """Staff: hide a question from students, or show it again (audited)."""
        failed = await self._write(
            question_moderation.set_question_hidden, question_id=question_id, hidden=hidden
        )
        return failed or rx.toast.success(_hidden_note("Question", hidden))

    @rx.event
    async def hide_answer(self, answer_id: int, hidden: bool):
        """Staff: hide an answer from students, or show it again (audited)."""
        failed = await self._write(
            question_moderation.set_answer_hidden, answer_id=answer_id, hidden=hidden
        )
        return failed or rx.toast.success(_hidden_note("Answer", hidden))


def _hidden_note(what: str, hidden: bool) -> str:
    if hidden:
        return f"{what} hidden from students. \u201cShow\u201d puts it back."
    return f"{what} shown to students again."
