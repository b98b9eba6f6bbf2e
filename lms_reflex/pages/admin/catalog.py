"""Admin catalog pages: categories, and every course with moderation and reviews."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_nav import (
    admin_page,
    admin_table,
    field_label,
    found_count,
    list_search,
    pager,
)
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import field_error, invalid_props, ready_to_submit
from lms_reflex.services.admin.catalog import AdminCourseRow
from lms_reflex.services.admin.moderation import ModeratedReview
from lms_reflex.services.views import CategoryView
from lms_reflex.state.admin.catalog import AdminCategoriesState as C
from lms_reflex.state.admin.catalog import AdminCoursesState as S


def _new_category() -> rx.Component:
    """Cleared once the category is added; a refusal keeps what was typed, under its field."""
    name_error = C.field_errors.get("name", "")
    description_error = C.field_errors.get("description", "")
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New category", size="4", as_="h2"),
                field_label("Name", "new-category-name"),
                rx.input(id="new-category-name", name="name", max_length=80, required=True,
                         **invalid_props("new-category-name", name_error)),
                field_error("new-category-name", name_error),
                field_label("Description", "new-category-description"),
                rx.text_area(id="new-category-description", name="description", max_length=2000,
                             **invalid_props("new-category-description", description_error)),
                field_error("new-category-description", description_error),
                rx.button("Add category", type="submit", disabled=~ready_to_submit()),
                align="start",
                width="100%",
            ),
            on_submit=C.create,
        ),
        width="100%",
    )  # fmt: skip


def _category(cat: rx.Var[CategoryView], index: rx.Var[int]) -> rx.Component:
    name_id = "category-name-" + cat.id.to_string()
    text_id = "category-description-" + cat.id.to_string()
    return rx.card(
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="category_id", value=cat.id.to_string()),
                field_label("Name of " + cat.name, name_id),
                rx.input(
                    id=name_id, name="name", default_value=cat.name, key=cat.name, max_length=80
                ),
                field_label("Description of " + cat.name, text_id),
                rx.text_area(
                    id=text_id,
                    name="description",
                    default_value=cat.description,
                    key=cat.description,
                    max_length=2000,
                    width="100%",
                ),
                rx.hstack(
                    rx.button("Save", type="submit", aria_label="Save " + cat.name),
                    rx.button(
                        "Up",
                        type="button",
                        variant="soft",
                        on_click=C.move(cat.id, -1),
                        disabled=index == 0,
                        aria_label="Move " + cat.name + " up",
                    ),
                    rx.button(
                        "Down",
                        type="button",
                        variant="soft",
                        on_click=C.move(cat.id, 1),
                        disabled=index == C.categories.length() - 1,
                        aria_label="Move " + cat.name + " down",
                    ),
                    confirm_dialog(
                        title="Delete the category " + cat.name + "?",
                        description="It leaves the catalog. Categories that still hold "
                        "courses cannot be deleted.",
                        confirm_label="Delete category",
                        on_confirm=C.delete(cat.id),
                        trigger=rx.button(
                            "Delete",
                            type="button",
                            variant="soft",
                            color_scheme="red",
                            high_contrast=True,
                            aria_label="Delete " + cat.name,
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                align="start",
                width="100%",
            ),
            on_submit=C.save,
            reset_on_submit=False,
        ),
        width="100%",
    )


def admin_categories_page() -> rx.Component:
    """Create, edit, order and delete the catalog's categories."""
    return admin_page(
        "categories",
        "Categories",
        C.denied,
        _new_category(),
        rx.heading("In catalog order", size="4", as_="h2"),
        rx.foreach(C.categories, _category),
    )


def _moderate_dialog(row: rx.Var[AdminCourseRow], action: str, verb: str) -> rx.Component:
    reason_id = f"{action}-reason"
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(verb, size="1", variant="soft", aria_label=f"{verb} " + row.title)
        ),
        rx.dialog.content(
            rx.dialog.title(verb, " \u201c", row.title, "\u201d"),
            rx.dialog.description("The instructor gets an email with your reason."),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="course_id", value=row.id.to_string()),
                    rx.el.input(type="hidden", name="action", value=action),
                    field_label("Reason for the instructor", reason_id),
                    rx.text_area(
                        id=reason_id, name="reason", max_length=1000, required=True, width="100%"
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                        # No close here: on success the course changes status and this
                        # dialog's row button disappears; on a refusal it stays open.
                        rx.button(f"{verb} and tell the instructor", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    width="100%",
                ),
                on_submit=S.moderate,
            ),
        ),
    )


def _hold(row: rx.Var[AdminCourseRow]) -> rx.Component:
    """An admin's hold: its reason, the instructor's review request, and the lift button."""
    return rx.vstack(
        rx.badge("On hold", color_scheme="amber", high_contrast=True),
        rx.text("Reason: ", row.moderation_reason, size="1"),
        rx.cond(row.review_request != "",
                rx.text("Review asked: ", row.review_request, size="1", weight="medium")),
        rx.button("Lift moderation", size="1", variant="soft",
                  aria_label="Lift moderation of " + row.title,
                  on_click=S.lift_moderation(row.id)),
        spacing="1", align="start",
    )  # fmt: skip


def _course_row(row: rx.Var[AdminCourseRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.title, href="/courses/" + row.slug)),
        rx.table.cell(
            rx.vstack(
                rx.badge(row.status, color_scheme="gray"),
                rx.cond(row.moderated, _hold(row)),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(row.owner_name),
        rx.table.cell(row.category_name),
        rx.table.cell(row.students),
        rx.table.cell(row.price_label),
        rx.table.cell(
            rx.hstack(
                rx.cond(row.status == "published", _moderate_dialog(row, "unpublish", "Unpublish")),
                rx.cond(row.status != "archived", _moderate_dialog(row, "archive", "Archive")),
                rx.link(
                    "Analytics",
                    href="/teach/courses/" + row.id.to_string() + "/analytics",
                    size="2",
                    aria_label="Analytics of " + row.title,
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            )
        ),
    )


def _course_search() -> rx.Component:
    return list_search(
        "courses",
        "Search course titles",
        "Status",
        "status",
        [
            ("Any status", ""),
            ("Published", "published"),
            ("Draft", "draft"),
            ("Archived", "archived"),
        ],
        S.search,
    )


def _courses_table() -> rx.Component:
    headers = ["Course", "Status", "Owner", "Category", "Students", "Price", "Actions"]
    return admin_table(headers, S.rows, _course_row)


def _review(review: rx.Var[ModeratedReview]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(review.author, weight="bold"),
                rx.text(review.rating.to_string(), " of 5 stars on ", review.course_title),
                rx.text(review.date_label, color_scheme="gray", size="2"),
                rx.cond(review.hidden, rx.badge("hidden", color_scheme="gray")),
                wrap="wrap",
                spacing="2",
            ),
            rx.text(review.body, white_space="pre-wrap"),
            rx.cond(
                review.hidden,
                rx.button(
                    "Show again",
                    size="1",
                    variant="soft",
                    on_click=S.set_review_hidden(review.id, False),
                    aria_label="Show again the review by " + review.author,
                ),
                rx.button(
                    "Hide",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    high_contrast=True,
                    on_click=S.set_review_hidden(review.id, True),
                    aria_label="Hide the review by " + review.author,
                ),
            ),
            align="start",
            width="100%",
        ),
        width="100%",
    )


def admin_courses_page() -> rx.Component:
    """Every course whatever its status, and the newest reviews to moderate."""
    return admin_page(
        "courses",
        "Courses and reviews",
        S.denied,
        _course_search(),
        found_count(S.total, "course"),
        _courses_table(),
        pager("courses", S.page_number, S.pages, S.go_to_page),
        rx.heading("Newest reviews", size="5", as_="h2"),
        rx.cond(S.review_rows.length() == 0, rx.text("No reviews yet.")),
        rx.foreach(S.review_rows, _review),
        pager("reviews", S.review_page, S.review_pages, S.reviews_page),
    )
