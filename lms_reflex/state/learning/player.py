"""The lesson player: load a lesson, resume it, report progress, review at the end.

Watched time is measured on the server (position moved, bounded by wall-clock time since
the last report), so a forged event cannot claim more watching than really passed.
"""

from __future__ import annotations

import asyncio
import json
import math
import time

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_plain, call_service
from lms_reflex.services import formatting as fmt
from lms_reflex.services.errors import DomainError, NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.learning import enrollment, heartbeat, progress, reviews
from lms_reflex.services.learning import lessons as learning
from lms_reflex.services.learning.lesson_offer import LessonOffer, lesson_offer
from lms_reflex.services.learning.lessons import PlayerView
from lms_reflex.services.learning.player_page import PlayerPanels, player_view_with_panels
from lms_reflex.services.learning.reviews import MyReview
from lms_reflex.services.validation import parse_id, parse_number
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.learning.announcements import CourseAnnouncementsState
from lms_reflex.state.learning.captions import CaptionsState
from lms_reflex.state.learning.notes import NotesState
from lms_reflex.state.learning.questions import QuestionsState
from lms_reflex.state.learning.quiz import QuizState
from lms_reflex.state.session import as_actor, current_actor, session_token, with_top_bar
from lms_reflex.state.util import error_toast, field, route_param, send_after_reply

VIDEO_BOX_ID = "lesson-video"
AUTOPLAY_SECONDS = 5
SESSION_ENDED = "Your session has ended. Sign in again to keep saving your progress."


def seek_script(seconds: float) -> rx.event.EventSpec:
    """Move the <video> to `seconds` once it has loaded (rx.video has no seek prop)."""
    target = json.dumps(round(max(seconds, 0.0), 2))
    return rx.call_script(
        "(function seek(tries){const v=document.querySelector('#" + VIDEO_BOX_ID + " video');"
        "if(v&&v.readyState>=1){v.currentTime=" + target + ";return;}"
        "if(v){v.addEventListener('loadedmetadata',()=>{v.currentTime=" + target + "},"
        "{once:true});return;}if(tries>0)setTimeout(()=>seek(tries-1),200);})(50)"
    )


# Space plays/pauses, arrows jump 5 s, unless the user is typing or on another control.
KEYS_SCRIPT = (
    "if(!window.__lmsPlayerKeys){window.__lmsPlayerKeys=true;"
    "document.addEventListener('keydown',(e)=>{"
    "const v=document.querySelector('#" + VIDEO_BOX_ID + " video');if(!v)return;"
    "const t=e.target;const tag=(t&&t.tagName)||'';"
    "if(/^(INPUT|TEXTAREA|SELECT|BUTTON|A|VIDEO)$/.test(tag)||(t&&t.isContentEditable))return;"
    "if(e.key===' '){e.preventDefault();v.paused?v.play():v.pause();}"
    "else if(e.key==='ArrowRight'){e.preventDefault();v.currentTime=Math.min(v.duration||0,"
    "v.currentTime+5);}"
    "else if(e.key==='ArrowLeft'){e.preventDefault();v.currentTime=Math.max(0,v.currentTime-5);}"
    "});}"
)


class PlayerState(FieldErrors, rx.State):
    """One lesson on screen. No var is named like the route args (course_slug, lesson)."""

    view: PlayerView | None = None
    problem: str = ""
    course_done: bool = False
    certificate_url: str = ""  # the verify page of the student's certificate, once issued
    my_review: MyReview | None = None
    rating_error: str = ""  # shown under the star picker of the review box
    offer: LessonOffer | None = None  # a locked lesson: its course's enroll button
    busy: bool = False
    resumed_at: str = ""  # "2:31" while the notice "Resumed at 2:31" is on screen
    # A playback preference of this browser, like volume: local storage needs no account,
    # no migration and no server write, and a phone may want it off while a desktop wants it on.
    autoplay: str = rx.LocalStorage("on", name="lms_autoplay", sync=True)
    countdown: int = 0  # seconds left before the next lesson opens; 0 = no countdown
    _countdown_run: int = 0  # bumped to stop a running countdown
    _lesson_id: int = 0
    _last_position: float = 0.0
    _last_report: float = 0.0
    _told_session_ended: bool = False

    @rx.var
    def page_title(self) -> str:
        """The tab's title: lesson and course once loaded (the page adds the site name)."""
        if self.view is None:
            return "Lesson"
        return f"{self.view.lesson_title} · {self.view.course_title}"

    @rx.event
    async def load(self):
        """Open the lesson in the URL, or say why it cannot be opened."""
        slug, lesson = route_param(self, "course_slug"), route_param(self, "lesson")
        sort = (await self.get_state(QuestionsState)).sort
        try:
            found, panels = await with_top_bar(
                self,
                player_view_with_panels,
                course_slug=slug,
                lesson_id=parse_id(lesson),
                sort=sort,
            )
        except NotSignedIn:
            return rx.redirect(routes.login_url(f"/learn/{slug}/{lesson}"))
        except (PermissionDenied, NotFound) as exc:
            self.view, self.problem = None, exc.message
            locked = isinstance(exc, PermissionDenied)
            self.offer = await self._find_offer(slug, lesson) if locked else None
            return None
        view, self.my_review = found.view, found.my_review
        self.certificate_url = found.certificate_url
        self._show(view)
        self._stop_countdown()
        # A note's link (?t=seconds, services/learning/notes.py) opens the lesson at its second.
        start = parse_number(route_param(self, "t"), max_digits=6)
        # A finished lesson starts again from the beginning when reopened.
        resume = view.resume_position_s >= 1 and not view.completed and start is None
        self.resumed_at = fmt.clock_label(view.resume_position_s) if resume else ""
        keys = [rx.call_script(KEYS_SCRIPT), *await self._show_panels(view, panels)]
        if start is not None:
            return [*keys, seek_script(start)]
        return [*keys, seek_script(view.resume_position_s)] if resume else keys

    async def _show_panels(self, view: PlayerView, panels: PlayerPanels) -> list:
        """Hand each panel its part of the page's one read; what they must run next.

        A quiz lesson's panel still loads itself, in a write (`PlayerPanels` in
        services/learning/player_page.py); a video stops any quiz timer of the last lesson.
        """
        lesson_id = view.lesson_id
        (await self.get_state(NotesState))._show_notes(lesson_id, panels.notes)
        (await self.get_state(QuestionsState))._show_panel(lesson_id, panels.questions)
        (await self.get_state(CourseAnnouncementsState))._show(panels.news, fresh=True)
        tracks = (await self.get_state(CaptionsState))._show_tracks(panels.captions)
        then: list = [QuizState.load] if panels.quiz else []
        if not panels.quiz:
            (await self.get_state(QuizState))._show_video(lesson_id)
        return then + ([tracks] if tracks is not None else [])

    async def _find_offer(self, slug: str, lesson: str) -> LessonOffer | None:
        """The enroll choice shown on a locked lesson, so the page is not a dead end."""
        try:
            return await call_service(
                lesson_offer,
                readonly=True,
                actor=await current_actor(self),
                course_slug=slug,
                lesson_id=parse_id(lesson),
            )
        except DomainError:
            return None

    @rx.event
    async def enroll(self):
        """Enroll from a locked lesson, then play it.

        The course is the one this tab found for the lesson it could not open (no id comes
        from the browser); the service checks the user, the course and the price again.
        """
        course_id = self.offer.course_id if self.offer is not None else 0
        self.busy = True
        yield
        try:
            actor = await current_actor(self)
            result = await call_service(enrollment.enroll_student, actor=actor, course_id=course_id)
            send_after_reply(result.mail)  # built by the service; None on a repeated click
        except DomainError as exc:
            yield error_toast(exc)
            return
        finally:
            self.busy = False
        yield rx.toast.success(f"You are enrolled in {result.course_title}.")
        yield PlayerState.load

    def _show(self, view: PlayerView) -> None:
        self.view, self.problem, self.offer = view, "", None
        self._lesson_id = view.lesson_id
        self._last_position, self._last_report = view.resume_position_s, time.time()
        self._told_session_ended = False
        self.course_done = view.tracks_progress and view.course_percent >= 100

    async def _record(self, position: float, *, ended: bool = False, moved: bool = True):
        """Store progress; refresh the syllabus when a lesson becomes complete.

        The video element sends these by itself (time updates, seeks, the end), and a
        forged one costs nothing, so they never move the idle clock: the session is only
        read, in the report's own statement (`heartbeat.record_report`).
        """
        if self.view is None or not self.view.tracks_progress:
            return None
        if not isinstance(position, (int, float)) or not math.isfinite(position):
            return None
        # Wall time, not monotonic: with several workers the state moves between processes
        # (and machines), whose monotonic clocks do not agree.
        now = time.time()
        delta = 0.0
        if moved:
            elapsed = max(now - self._last_report, 0.0)
            delta = min(max(position - self._last_position, 0.0), elapsed + 1)
        self._last_position, self._last_report = position, now
        lesson_id = self._lesson_id

        try:
            done = await call_plain(
                heartbeat.record_report, token=session_token(self),
                lesson_id=lesson_id, position_s=position, watched_delta_s=delta, ended=ended,
            )  # fmt: skip
        except NotSignedIn:
            return self._session_ended()
        except DomainError as exc:
            return error_toast(exc)
        self._take_certificate(done)
        if done.completed and not self.view.completed:
            return await self._refresh(done.course_completed)
        return None

    def _take_certificate(self, done: progress.ProgressView) -> None:
        """This write issued the certificate: offer it, and mail its link after the reply."""
        if done.certificate is None:
            return
        send_after_reply(done.certificate.mail)  # built by the service, exactly once
        self.certificate_url = routes.certificate_url(done.certificate.code)

    def _session_ended(self) -> rx.event.EventSpec | None:
        """Say once, not at every report, that a video left playing outlived the session."""
        if self._told_session_ended:
            return None
        self._told_session_ended = True
        return rx.toast.error(SESSION_ENDED)

    async def _refresh(self, course_completed: bool):
        if self.view is None:
            return None
        slug, lesson_id = self.view.course_slug, self._lesson_id
        view = await as_actor(
            self,
            learning.get_lesson_for_player,
            touch=False,  # follows a report, or a click that was already counted
            course_slug=slug,
            lesson_id=lesson_id,
        )
        position = self._last_position
        self._show(view)
        self._last_position = position
        if course_completed:
            return rx.toast.success("You completed the course! Tell others what you thought.")
        return rx.toast.success("Lesson complete.")

    @rx.event
    async def report(self, seconds: float):
        """Throttled time updates from the video (about every 5 s while playing)."""
        return await self._record(seconds)

    @rx.event
    async def seeked(self, seconds: float):
        """A jump is not watching: keep the position, add no watched time."""
        return await self._record(seconds, moved=False)

    @rx.event
    async def ended(self):
        """The video reached its end: the lesson is complete; count down to the next one."""
        duration = float(self.view.duration_s) if self.view else 0.0
        done = await self._record(max(self._last_position, duration), ended=True, moved=False)
        if self.autoplay == "off" or self.view is None or not self.view.next_lesson_id:
            return done
        self._stop_countdown()
        self.countdown = AUTOPLAY_SECONDS
        return [done, PlayerState.count_down] if done is not None else PlayerState.count_down

    def _stop_countdown(self) -> None:
        self.countdown = 0
        self._countdown_run += 1

    @rx.event(background=True)
    async def count_down(self):
        """Tick the countdown once a second, then open the next lesson (display only)."""
        async with self:
            run = self._countdown_run
        while True:
            await asyncio.sleep(1)
            async with self:
                if run != self._countdown_run or self.countdown <= 0 or self.view is None:
                    return
                self.countdown -= 1
                if self.countdown > 0:
                    continue
                next_id = self.view.next_lesson_id
                url = f"/learn/{self.view.course_slug}/{next_id}" if next_id else ""
            if url:
                yield rx.redirect(url)
            return

    @rx.event
    def cancel_autoplay(self):
        """Stay on this lesson: stop the countdown."""
        self._stop_countdown()

    @rx.event
    def set_autoplay(self, value: bool):
        """The switch under the video: open the next lesson by itself, or not."""
        self.autoplay = "on" if value is True else "off"
        if self.autoplay == "off":
            self._stop_countdown()

    @rx.event
    def start_over(self):
        """Back to 0:00; the video's own `seeked` event then stores the new position."""
        self.resumed_at = ""
        return seek_script(0)

    @rx.event
    async def toggle_complete(self):
        """The student's explicit 'mark as (not) complete'."""
        if self.view is None:
            return None
        try:
            done = await call_service(
                progress.set_lesson_completed,
                actor=await current_actor(self),
                lesson_id=self._lesson_id,
                completed=not self.view.completed,
            )
        except DomainError as exc:
            return error_toast(exc)
        self._take_certificate(done)
        return await self._refresh(False)

    @rx.event
    async def submit_review(self, form: dict):
        """Rate the course once it is finished (the service checks enrollment again)."""
        if self.view is None:
            return None
        self._clear_field_errors()
        rating = parse_number(field(form, "rating", 2))
        if rating is None or not 1 <= rating <= 5:  # no default: the student must choose
            self.rating_error = reviews.RATING_REFUSED
            return rx.call_script("document.getElementById('rating-star-1')?.focus()")
        self.rating_error = ""
        try:
            self.my_review = await call_service(
                reviews.write_review,
                actor=await current_actor(self),
                course_id=self.view.course_id,
                body=field(form, "body", 2100),
                rating=rating,
            )
        except DomainError as exc:
            return self._refuse(exc, ("body",))
        return rx.toast.success("Thank you! Your review is on the course page.")


class ResumeState(rx.State):
    """/learn/<course>: go to the lesson where the student left off."""

    problem: str = ""

    @rx.event
    async def load(self):
        """Redirect to the resume lesson, or explain why there is none."""
        slug = route_param(self, "course_slug")
        actor = await current_actor(self)
        try:
            target = await call_service(
                learning.resume_target_for_slug, readonly=True, actor=actor, course_slug=slug
            )
        except NotSignedIn:
            return rx.redirect(routes.login_url(f"/learn/{slug}"))
        except DomainError as exc:
            self.problem = exc.message
            return None
        if target is None:
            self.problem = "This course has no lessons yet."
            return None
        return rx.redirect(f"/learn/{slug}/{target}")
