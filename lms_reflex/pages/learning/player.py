"""The lesson player: video, lesson text and controls, and the syllabus beside it."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.captions import caption_tracks, captions_menu
from lms_reflex.components.forms import field_error, invalid_props, loading, ready_to_submit
from lms_reflex.components.shell import app_shell
from lms_reflex.components.star_rating import star_rating
from lms_reflex.components.video import lesson_video
from lms_reflex.pages.learning.announcements import announcements_panel
from lms_reflex.pages.learning.notes import with_notes
from lms_reflex.pages.learning.questions import questions_section
from lms_reflex.pages.learning.quiz import quiz_panel
from lms_reflex.services.learning.lessons import PlayerLesson, PlayerSection
from lms_reflex.state.learning.player import VIDEO_BOX_ID, PlayerState, ResumeState
from lms_reflex.state.learning.quiz import QuizState

V = PlayerState.view


def _lesson_link(lesson: rx.Var[PlayerLesson]) -> rx.Component:
    icon = rx.cond(
        lesson.completed,
        rx.icon("circle-check", size=16, color="var(--green-11)", aria_label="Completed"),
        rx.cond(
            lesson.can_open,
            rx.icon("circle-play", size=16, aria_hidden=True),
            rx.icon("lock", size=16, aria_label="Locked"),
        ),
    )
    label = rx.text(lesson.title, size="2", weight=rx.cond(lesson.is_current, "bold", "regular"))
    return rx.hstack(
        icon,
        rx.cond(lesson.can_open,
                rx.link(label, href="/learn/" + V.course_slug + "/" + lesson.id.to_string(),
                        aria_current=rx.cond(lesson.is_current, "page", None)),
                label),
        rx.spacer(),
        rx.text(lesson.duration_label, size="1", color_scheme="gray"),
        width="100%", align="center", padding="0.25rem 0",
    )  # fmt: skip


def _section(section: rx.Var[PlayerSection]) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(section.title, weight="bold", size="2"), rx.spacer(),
                  rx.text(section.completed_count.to_string(), "/",
                          section.lesson_count.to_string(), size="1", color_scheme="gray"),
                  width="100%"),
        rx.foreach(section.lessons, _lesson_link),
        width="100%", spacing="1",
    )  # fmt: skip


# On a phone the syllabus sits under the lesson, folded (assets/app.css, .syllabus): this
# button unfolds it. Pure browser work: nothing to store.
_TOGGLE_SYLLABUS_JS = (
    "const s = document.getElementById('syllabus');"
    " const open = s.toggleAttribute('data-open');"
    " document.getElementById('syllabus-toggle').setAttribute('aria-expanded', String(open));"
)


def _syllabus_toggle() -> rx.Component:
    return rx.button(
        rx.icon("list", aria_hidden=True), "Show or hide the lessons",
        id="syllabus-toggle", aria_expanded="false", aria_controls="syllabus-body",
        on_click=rx.call_script(_TOGGLE_SYLLABUS_JS), variant="soft", width="100%",
        display=rx.breakpoints(initial="flex", md="none"),
    )  # fmt: skip


def syllabus() -> rx.Component:
    """Course progress and every lesson, the current one in bold (folded on a phone)."""
    return rx.el.nav(
        rx.vstack(
            rx.heading("Course content", size="4", as_="h2"),
            rx.cond(V.tracks_progress, rx.vstack(
                rx.progress(value=V.course_percent, max=100, width="100%",
                            aria_label="Course progress"),
                rx.text(V.completed_lessons.to_string(), " of ", V.total_lessons.to_string(),
                        " lessons complete \u00b7 ", V.course_percent.to_string(), "%", size="2"),
                width="100%")),
            _syllabus_toggle(),
            rx.vstack(rx.foreach(V.syllabus, _section), id="syllabus-body",
                      class_name="syllabus-body", width="100%", spacing="3"),
            width="100%", spacing="3",
        ),
        aria_label="Course content", id="syllabus", class_name="syllabus",
        style={"flex": "1", "min_width": "16rem"},
    )  # fmt: skip


def _lesson_href(lesson_id: rx.Var) -> rx.Var[str]:
    return "/learn/" + V.course_slug + "/" + lesson_id.to_string()


def _speed() -> rx.Component:
    """Playback speed, applied to the <video> in the browser (nothing to store)."""
    return rx.hstack(
        rx.el.label("Speed", html_for="playback-speed", style={"font_size": "14px"}),
        rx.el.select(
            *[rx.el.option(f"{rate}\u00d7", value=str(rate)) for rate in (0.75, 1, 1.25, 1.5, 2)],
            id="playback-speed", default_value="1", style={"padding": "0.3rem"},
            on_change=lambda value: rx.call_script(
                "document.querySelector('#" + VIDEO_BOX_ID + " video').playbackRate = Number("
                + value.to(str) + ")"
            ),
        ),
        align="center",
    )  # fmt: skip


def _controls() -> rx.Component:
    return rx.flex(
        rx.cond(V.prev_lesson_id,
                rx.button(rx.link("Previous lesson",
                                  href=_lesson_href(V.prev_lesson_id)),
                          variant="soft", as_child=True)),
        rx.cond(V.tracks_progress & ~QuizState.is_quiz,
                rx.button(rx.cond(V.completed, "Mark as not complete", "Mark as complete"),
                          on_click=PlayerState.toggle_complete, variant="outline",
                          disabled=~ready_to_submit())),
        rx.cond(V.next_lesson_id,
                rx.button(rx.link("Next lesson",
                                  href=_lesson_href(V.next_lesson_id)),
                          as_child=True)),
        _speed(),
        captions_menu(),
        _autoplay_switch(),
        spacing="3", wrap="wrap", align="center",
    )  # fmt: skip


def _autoplay_switch() -> rx.Component:
    """Whether the next lesson opens by itself after a countdown (kept in this browser)."""
    return rx.hstack(
        rx.switch(id="autoplay-next", checked=PlayerState.autoplay != "off",
                  on_change=PlayerState.set_autoplay),
        rx.el.label("Autoplay next lesson", html_for="autoplay-next", style={"font_size": "14px"}),
        align="center", spacing="2",
    )  # fmt: skip


def _notices() -> rx.Component:
    """Where playback resumed (with a way back to the start), and the autoplay countdown."""
    return rx.fragment(
        rx.cond(
            PlayerState.resumed_at != "",
            rx.hstack(
                rx.text("Resumed at ", PlayerState.resumed_at, size="2", role="status"),
                rx.button("Start over", on_click=PlayerState.start_over, variant="soft",
                          size="1"),
                align="center", spacing="3",
            ),
        ),
        rx.cond(
            PlayerState.countdown > 0,
            rx.callout.root(
                rx.hstack(
                    rx.text("Next lesson in ", PlayerState.countdown.to_string(), " s",
                            role="timer", aria_live="polite"),
                    rx.button("Cancel", on_click=PlayerState.cancel_autoplay, variant="soft",
                              size="1", aria_label="Cancel autoplay"),
                    align="center", spacing="3",
                ),
                width="100%",
            ),
        ),
    )  # fmt: skip


def _review_box() -> rx.Component:
    """After the last lesson: a moment of success and an invitation to review."""
    body_error = PlayerState.field_errors.get("body", "")
    form = rx.form(
        rx.vstack(
            star_rating(name="rating", legend="Your rating", chosen=0,
                        error=PlayerState.rating_error, key="new"),
            rx.el.label("Your review", html_for="field-body", style={"font_weight": "500"}),
            rx.text_area(id="field-body", name="body", max_length=2000, width="100%", rows="4",
                         **invalid_props("field-body", body_error)),
            field_error("field-body", body_error),
            rx.button("Post review", type="submit", disabled=~ready_to_submit(),
                      high_contrast=True),
            width="100%", align="start",
        ),
        on_submit=PlayerState.submit_review,
    )  # fmt: skip
    return rx.cond(
        PlayerState.course_done,
        rx.callout.root(
            rx.vstack(
                rx.heading("You completed the course!", size="4", as_="h2"),
                rx.cond(
                    PlayerState.certificate_url != "",
                    rx.button(
                        rx.link(
                            "Certificate",
                            href=PlayerState.certificate_url,
                            aria_label="Certificate for " + V.course_title,
                        ),
                        as_child=True,
                        color_scheme="green",
                        high_contrast=True,
                    ),
                ),
                rx.cond(
                    PlayerState.my_review,
                    rx.text(
                        "Thank you for your review (",
                        PlayerState.my_review.rating.to_string(),
                        " stars).",
                    ),
                    form,
                ),
                width="100%",
            ),
            color_scheme="green",
            # Radix green text on the green callout fails WCAG AA contrast; high contrast passes.
            high_contrast=True,
            width="100%",
        ),
    )


def _lesson() -> rx.Component:
    return rx.vstack(
        rx.link("\u2190 ", V.course_title, href="/courses/" + V.course_slug, size="2"),
        rx.cond(QuizState.is_quiz, quiz_panel(), with_notes(rx.box(
            lesson_video(caption_tracks(), src=V.video_url, poster=V.poster_url, controls=True,
                         preload="metadata",
                         width="100%", aria_label="Lesson video: " + V.lesson_title,
                         on_time_update=PlayerState.report.throttle(5000),
                         on_pause=PlayerState.report, on_seeked=PlayerState.seeked,
                         on_ended=PlayerState.ended),
            id=VIDEO_BOX_ID, width="100%", background="black",
        ))),
        _notices(),
        rx.heading(V.lesson_title, size="6", as_="h1"),
        _controls(),
        rx.html(V.lesson_description_html),
        _review_box(),
        questions_section(),
        announcements_panel(),
        spacing="4", style={"flex": "3", "min_width": "18rem"},
    )  # fmt: skip


def _offer() -> rx.Component:
    """A locked lesson offers its course's enroll button (or says the course is priced)."""
    status = PlayerState.offer.status
    return rx.vstack(
        rx.text("This lesson is part of ", rx.link(PlayerState.offer.course_title,
                href="/courses/" + PlayerState.offer.course_slug), "."),
        rx.cond(
            status.can_enroll,
            rx.button(status.label, on_click=PlayerState.enroll, loading=PlayerState.busy,
                      disabled=~ready_to_submit(), size="3"),
            rx.callout(status.label + ": " + status.reason, icon="info", color_scheme="gray",
                       high_contrast=True),
        ),
        align="start",
    )  # fmt: skip


def player_page() -> rx.Component:
    """The lesson, or why it cannot be shown."""
    return app_shell(
        rx.cond(
            V,
            rx.flex(_lesson(), syllabus(), spacing="6", width="100%", wrap="wrap", align="start"),
            rx.cond(
                PlayerState.problem != "",
                rx.vstack(rx.heading("This lesson is not open to you", size="7", as_="h1"),
                          rx.text(PlayerState.problem),
                          rx.cond(PlayerState.offer, _offer()),
                          rx.link("Back to the catalog", href="/")),
                loading("Loading the lesson"),
            ),
        ),
    )  # fmt: skip


def resume_page() -> rx.Component:
    """Shown only when there is nothing to resume; otherwise it redirects at once."""
    return app_shell(
        rx.cond(
            ResumeState.problem != "",
            rx.vstack(
                rx.heading("Nothing to continue", size="7", as_="h1"),
                rx.text(ResumeState.problem),
                rx.link("Back to my courses", href="/dashboard/courses"),
            ),
            loading("Opening your lesson"),
        ),
    )
