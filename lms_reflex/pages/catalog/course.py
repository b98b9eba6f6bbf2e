"""The course page: what it teaches, its syllabus and its reviews."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.course_card import buy_buttons, rating_line, thumbnail, wishlist_heart
from lms_reflex.components.forms import field_error, invalid_props, loading
from lms_reflex.components.shell import app_shell
from lms_reflex.components.star_rating import star_rating
from lms_reflex.services.views import LessonRow, ReviewView, SectionView
from lms_reflex.state.catalog.course import CourseState, ReviewsState
from lms_reflex.state.session import SessionState

C = CourseState.course
S = CourseState.status


def _lesson_href(lesson: rx.Var[LessonRow]) -> rx.Var[str]:
    return "/learn/" + C.slug + "/" + lesson.id.to_string()


def _lesson(lesson: rx.Var[LessonRow]) -> rx.Component:
    """Enrolled students open any lesson; others a preview, or see what unlocks the rest."""
    opens = S & S.opens_all
    return rx.hstack(
        rx.cond(opens | lesson.is_preview,
                rx.icon("circle-play", size=16, aria_hidden=True),
                rx.icon("lock", size=16, aria_hidden=True)),
        rx.cond(opens, rx.link(lesson.title, href=_lesson_href(lesson), size="2"),
                rx.text(lesson.title, size="2")),
        rx.cond(
            ~opens,
            rx.cond(lesson.is_preview,
                    rx.link("Preview", href=_lesson_href(lesson), size="2",
                            aria_label="Watch the free preview: " + lesson.title),
                    rx.text("Enroll to unlock", size="2", color_scheme="gray")),
        ),
        rx.spacer(),
        rx.text(lesson.duration_label, size="2", color_scheme="gray"),
        width="100%",
        align="center",
    )  # fmt: skip


def _section(section: rx.Var[SectionView]) -> rx.Component:
    return rx.accordion.item(
        header=rx.hstack(
            rx.text(section.title, weight="bold"),
            rx.spacer(),
            rx.text(
                section.lesson_count.to_string(),
                " lessons \u00b7 ",
                section.duration_label,
                size="2",
                color_scheme="gray",
            ),
            width="100%",
        ),
        content=rx.vstack(rx.foreach(section.lessons, _lesson), spacing="2", width="100%"),
        value=section.id.to_string(),
    )


def syllabus() -> rx.Component:
    """Sections with their lessons, all open by default."""
    return rx.vstack(
        rx.heading("Course content", size="5", as_="h2"),
        rx.text(
            C.sections.length().to_string(),
            " sections \u00b7 ",
            C.lesson_count.to_string(),
            " lessons \u00b7 ",
            C.total_duration_label,
            " total",
            color_scheme="gray",
            size="2",
        ),
        rx.accordion.root(
            rx.foreach(C.sections, _section),
            type="multiple",
            default_value=C.sections.map(lambda s: s.id.to_string()),
            collapsible=True,
            width="100%",
            variant="outline",
        ),
        width="100%",
    )


def _bullet_list(title: str, items: rx.Var[list[str]]) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.heading(title, size="5", as_="h2"),
            rx.el.ul(
                rx.foreach(items, lambda item: rx.el.li(rx.text(item))),
                style={"padding_left": "1.25rem", "list_style": "disc"},
            ),
            width="100%",
        ),
    )


def _review(review: rx.Var[ReviewView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(review.author, weight="bold"),
                rx.badge(review.rating.to_string(), " / 5"),
                rx.text(review.date_label, size="1", color_scheme="gray"),
                align="center",
            ),
            rx.text(review.body, size="2", white_space="pre-wrap"),
            rx.cond(
                review.instructor_reply != "",
                rx.blockquote(rx.text.strong("Instructor: "), review.instructor_reply, size="2"),
                rx.cond(ReviewsState.is_instructor, _reply_form(review)),
            ),
            align="start",
            width="100%",
        ),
        width="100%",
    )


def _reply_form(review: rx.Var[ReviewView]) -> rx.Component:
    """The instructor's one reply to a review."""
    field_id = "reply-" + review.id.to_string()
    return rx.form(
        rx.vstack(
            rx.el.label("Reply as the instructor", html_for=field_id,
                        style={"font_weight": "500", "font_size": "14px"}),
            rx.text_area(id=field_id, name="reply", max_length=2000, rows="2", width="100%"),
            rx.el.input(type="hidden", name="review_id", value=review.id.to_string()),
            rx.button("Post reply", type="submit", size="1", variant="soft",
                      disabled=~rx.State.is_hydrated),
            width="100%", align="start",
        ),
        # A foreach variable is out of scope in the form's submit handler, so the id rides
        # in a hidden field; the service checks the review belongs to the actor's course.
        on_submit=ReviewsState.reply,
        width="100%",
    )  # fmt: skip


def _star_bar(stars: int) -> rx.Component:
    count = C.rating_distribution[stars - 1]
    share = rx.cond(C.rating_count > 0, count * 100 / C.rating_count, 0)
    return rx.hstack(
        rx.text(f"{stars} stars", size="2", width="4.5rem"),
        rx.progress(
            value=share.to(int), max=100, width="12rem", aria_label=f"Share of {stars}-star ratings"
        ),
        rx.text(count.to_string(), size="2", color_scheme="gray"),
        align="center",
    )


def _delete_review() -> rx.Component:
    return confirm_dialog(
        title="Delete your review?",
        description="Your rating and your text leave the course page. This cannot be undone.",
        confirm_label="Delete review",
        on_confirm=ReviewsState.delete,
        trigger=rx.button("Delete my review", type="button", variant="outline",
                          color_scheme="red"),
    )  # fmt: skip


def _my_review_form() -> rx.Component:
    """Enrolled students write one review and can edit or delete it."""
    mine = ReviewsState.mine
    body_error = ReviewsState.field_errors.get("body", "")
    return rx.form(
        rx.vstack(
            rx.heading(rx.cond(mine, "Your review", "Review this course"), size="4", as_="h3"),
            star_rating(name="rating", legend="Your rating", chosen=rx.cond(mine, mine.rating, 0),
                        error=ReviewsState.rating_error,
                        key=rx.cond(mine, mine.id.to_string() + mine.rating.to_string(), "new")),
            rx.el.label("Your review", html_for="field-body", style={"font_weight": "500"}),
            rx.text_area(id="field-body", name="body", max_length=2000, width="100%", rows="4",
                         default_value=rx.cond(mine, mine.body, ""),
                         key=rx.cond(mine, mine.id.to_string() + mine.body, "new"),
                         **invalid_props("field-body", body_error)),
            field_error("field-body", body_error),
            rx.hstack(
                rx.button(rx.cond(mine, "Save changes", "Post review"), type="submit",
                          disabled=~rx.State.is_hydrated),
                rx.cond(mine, _delete_review()),
            ),
            width="100%", max_width="36rem", align="start",
        ),
        on_submit=ReviewsState.save,
    )  # fmt: skip


def reviews() -> rx.Component:
    """The rating breakdown, the student's own review, and pages of reviews."""
    return rx.vstack(
        rx.heading("Student reviews", size="5", as_="h2"),
        rating_line(C.rating_avg, C.rating_count),
        rx.cond(C.rating_count > 0,
                rx.vstack(*[_star_bar(stars) for stars in range(5, 0, -1)], spacing="1")),
        rx.cond(S & S.enrolled, _my_review_form()),
        rx.foreach(ReviewsState.items, _review),
        rx.cond(ReviewsState.page_number < ReviewsState.pages,
                rx.button("Show more reviews", on_click=ReviewsState.more, variant="soft")),
        width="100%",
    )  # fmt: skip


def _enroll_action() -> rx.Component:
    """The one primary button; its words say what happens."""
    return rx.cond(
        S.enrolled,
        rx.vstack(
            rx.text("You are enrolled · ", S.progress_percent.to_string(), "% complete",
                    size="2"),
            rx.button(rx.link(S.label, href="/learn/" + C.slug), size="3", width="100%",
                      as_child=True),
            width="100%",
        ),
        rx.cond(
            S.can_enroll,
            rx.button(S.label, on_click=CourseState.enroll, loading=CourseState.busy,
                      disabled=~rx.State.is_hydrated, size="3", width="100%"),
            rx.cond(
                ~SessionState.signed_in
                & ((S.label == "Sign in to enroll") | (S.label == "Sign in to buy")),
                rx.button(rx.link(S.label, href="/login?next=/courses/" + C.slug), size="3",
                          width="100%", as_child=True),
                rx.cond(
                    S.can_buy,
                    buy_buttons(C.id, C.title),
                    rx.vstack(rx.button(S.label, disabled=True, size="3", width="100%"),
                              rx.text(S.reason, size="2", color_scheme="gray"), width="100%"),
                ),
            ),
        ),
    )  # fmt: skip


def _unpublished_notice() -> rx.Component:
    """Only the course's instructor (and admins) can open a course that is not published."""
    return rx.cond(
        C.status != "published",
        rx.callout(
            rx.cond(
                C.status == "archived",
                "Archived \u2014 hidden from the catalog. Only you can see this page; "
                "enrolled students keep their lessons.",
                "Draft — only you can see this. Students cannot find or open it until "
                "it is published.",
            ),
            icon="eye-off",
            color_scheme="amber",
            high_contrast=True,
            width="100%",
        ),
    )


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.cond(
                C.category_name != "",
                rx.link(C.category_name, href="/categories/" + C.category_slug, size="2"),
            ),
            rx.heading(C.title, size="8", as_="h1"),
            rx.text(C.subtitle, size="4"),
            rating_line(C.rating_avg, C.rating_count),
            rx.text(C.student_count.to_string(), " students", size="2"),
            rx.text(
                "Created by ",
                rx.link(
                    C.instructor_name,
                    href="/instructors/" + C.instructor_id.to_string(),
                    underline="always",
                ),
                size="2",
            ),
            rx.text(
                "Last updated ",
                C.updated_label,
                " \u00b7 ",
                C.language,
                " \u00b7 Level: ",
                C.level,
                size="2",
                color_scheme="gray",
            ),
            flex="2",
            spacing="2",
            align="start",
            min_width="16rem",
        ),
        rx.card(
            rx.vstack(
                thumbnail(C.thumbnail_url, C.title),
                rx.hstack(
                    rx.text(C.price_label, size="6", weight="bold"),
                    wishlist_heart(C.id, C.title),
                    justify="between",
                    width="100%",
                ),
                rx.cond(S, _enroll_action()),
                width="100%",
            ),
            flex="1",
            min_width="16rem",
        ),
        gap="1.5rem",
        wrap="wrap",
        width="100%",
    )


def course_page() -> rx.Component:
    """The course page, or a not-found message for unknown and hidden courses."""
    return app_shell(
        rx.cond(
            CourseState.missing,
            rx.vstack(
                rx.heading("Course not found", size="7", as_="h1"),
                rx.text("This course does not exist or is not published."),
                rx.link("Browse all courses", href="/"),
            ),
            rx.cond(
                C,
                rx.vstack(
                    _unpublished_notice(),
                    _header(),
                    _bullet_list("What you will learn", C.what_you_will_learn),
                    syllabus(),
                    _bullet_list("Requirements", C.requirements),
                    rx.vstack(
                        rx.heading("Description", size="5", as_="h2"),
                        rx.html(C.description_html),
                        width="100%",
                    ),
                    reviews(),
                    spacing="6",
                    width="100%",
                ),
                loading("Loading course"),
            ),
        ),
    )
