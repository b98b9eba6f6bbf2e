"""Announcements on the course's learning page, and the opt-out page mailed with each one.

The learning page's list is loaded after the player's own load, for the course in the URL;
the service shows it only to enrolled students and the course's staff. The opt-out page
reads its signed token from the URL on every event (no token is kept in a var), and only
its buttons change anything (docs/security.md, "Course announcements").
"""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, NotSignedIn
from lms_reflex.services.learning import announcements as service
from lms_reflex.services.learning.announcements import AnnouncementView, CourseNews, OptOutView
from lms_reflex.state.session import as_actor
from lms_reflex.state.util import error_toast, route_param


class CourseAnnouncementsState(rx.State):
    """The newest announcements of the course on screen (none for visitors of a preview)."""

    announcements: list[AnnouncementView] = []
    # An enrolled student chooses whether new ones are mailed (staff have no choice here).
    mail_choice_shown: bool = False
    mails_on: bool = False
    mail_problem: str = ""

    def _show(self, news: CourseNews, *, fresh: bool = False) -> None:
        if fresh:
            self.mail_problem = ""  # a problem with the mail choice of an earlier visit
        self.announcements = news.items
        self.mail_choice_shown, self.mails_on = news.mails is not None, bool(news.mails)

    @rx.event
    async def load(self):
        """Read the announcements of the course in the URL (the player reads them itself)."""
        news = await as_actor(
            self,
            service.course_announcements,
            touch=False,  # the player's own load already counted this visit
            course_slug=route_param(self, "course_slug"),
        )
        self._show(news, fresh=True)

    @rx.event
    async def set_mails(self, value: bool):
        """Stop or restart this course's announcement mails for the signed-in student."""
        try:
            news = await as_actor(
                self,
                service.set_announcement_mails,
                readonly=False,
                course_slug=route_param(self, "course_slug"),
                wanted=value,
            )
        except NotSignedIn as exc:  # signed out in another tab: say so where they look
            yield error_toast(exc)
            return
        except DomainError as exc:
            self.mail_problem = exc.message
            return
        self.mail_problem = ""
        self._show(news)


class OptOutState(rx.State):
    """One student's announcement mails for one course, as the mailed link names them."""

    course_title: str = ""
    course_href: str = ""
    opted_out: bool = False
    problem: str = ""
    loaded: bool = False
    busy: bool = False

    def _show(self, view: OptOutView) -> None:
        self.course_title, self.opted_out = view.course_title, view.opted_out
        self.course_href, self.problem = routes.course_url(view.course_slug), ""

    @rx.event
    async def load(self):
        """Show what the link is about; opening it changes nothing (mail scanners open links)."""
        self.loaded = False
        try:
            view = await call_service(
                service.opt_out_status, readonly=True, token=route_param(self, "t")
            )
        except DomainError as exc:
            self.problem, self.course_title = exc.message, ""
        else:
            self._show(view)
        self.loaded = True

    async def _set(self, opted_out: bool):
        self.busy = True
        yield
        try:
            view = await call_service(
                service.set_opt_out, token=route_param(self, "t"), opted_out=opted_out
            )
        except DomainError as exc:
            self.busy = False
            yield error_toast(exc)
            return
        self._show(view)
        self.busy = False

    @rx.event
    async def stop_mails(self):
        """Stop this course's announcement mails for the user the token names."""
        async for update in self._set(True):
            yield update

    @rx.event
    async def resume_mails(self):
        """Start this course's announcement mails again for the user the token names."""
        async for update in self._set(False):
            yield update
