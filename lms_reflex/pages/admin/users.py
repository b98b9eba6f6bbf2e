"""The admin user list: search, roles, instructor requests, status and hand enrollments."""

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
from lms_reflex.services.admin.moderation import CourseChoice, UserEnrollment
from lms_reflex.services.admin.users import AdminUserRow
from lms_reflex.state.admin.users import AdminUsersState as S


def _search() -> rx.Component:
    return list_search(
        "users",
        "Search name or email",
        "Role",
        "role",
        [
            ("Any role", ""),
            ("Students", "student"),
            ("Instructors", "instructor"),
            ("Admins", "admin"),
            ("Asking to teach", "asks_to_teach"),
        ],
        S.search,
    )


def _role_picker(row: rx.Var[AdminUserRow]) -> rx.Component:
    return rx.el.select(
        rx.el.option("Student", value="student"),
        rx.el.option("Instructor", value="instructor"),
        rx.el.option("Admin", value="admin"),
        value=row.role,
        on_change=lambda value: S.ask_role(row.id, value),
        aria_label="Role of " + row.name,
        style={"padding": "0.3rem"},
    )


def _reject_dialog(row: rx.Var[AdminUserRow]) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                "Reject", size="1", variant="soft", aria_label="Reject request of " + row.name
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Turn down the request to teach"),
            rx.dialog.description("The user gets an email with your reason, if you give one."),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="user_id", value=row.id.to_string()),
                    field_label("Reason (optional)", "reject-reason"),
                    rx.text_area(id="reject-reason", name="reason", max_length=1000, width="100%"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                        rx.button("Send and turn down", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    width="100%",
                ),
                on_submit=S.reject,
            ),
        ),
    )


def _actions(row: rx.Var[AdminUserRow]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.instructor_requested,
            rx.hstack(
                rx.button(
                    "Approve",
                    size="1",
                    on_click=S.approve(row.id),
                    aria_label="Approve request of " + row.name,
                ),
                _reject_dialog(row),
                spacing="1",
            ),
        ),
        rx.cond(
            row.active,
            rx.button(
                "Deactivate",
                size="1",
                variant="soft",
                color_scheme="red",
                high_contrast=True,
                on_click=S.ask_deactivate(row.id),
                aria_label="Deactivate " + row.name,
            ),
            rx.button(
                "Reactivate",
                size="1",
                variant="soft",
                on_click=S.set_active(row.id, True),
                aria_label="Reactivate " + row.name,
            ),
        ),
        rx.cond(
            ~row.verified,
            rx.button(
                "Resend code",
                size="1",
                variant="soft",
                on_click=S.resend(row.id),
                aria_label="Resend verification code to " + row.name,
            ),
        ),
        rx.button(
            "Enrollments",
            size="1",
            variant="outline",
            on_click=S.pick(row.id),
            aria_label="Enrollments of " + row.name,
        ),
        spacing="2",
        wrap="wrap",
    )


def _yes_no(value: rx.Var[bool]) -> rx.Component:
    return rx.cond(value, "yes", "no")


def _user_row(row: rx.Var[AdminUserRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            row.name,
            rx.cond(
                row.instructor_requested,
                rx.badge(
                    "asks to teach", color_scheme="amber", high_contrast=True, margin_left="0.5rem"
                ),
            ),
        ),
        rx.table.cell(row.email),
        rx.table.cell(_role_picker(row)),
        rx.table.cell(_yes_no(row.verified)),
        rx.table.cell(_yes_no(row.active)),
        rx.table.cell(row.joined_label),
        rx.table.cell(row.courses_count),
        rx.table.cell(_actions(row)),
    )


def _users_table() -> rx.Component:
    headers = ["Name", "Email", "Role", "Verified", "Active", "Joined", "Courses", "Actions"]
    return admin_table(headers, S.rows, _user_row)


def _course_option(course: rx.Var[CourseChoice]) -> rx.Component:
    return rx.el.option(course.title, value=course.id.to_string())


def _enrollment_row(item: rx.Var[UserEnrollment]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(item.course_title),
        rx.table.cell(item.source),
        rx.table.cell(item.date_label),
        rx.table.cell(
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                high_contrast=True,
                on_click=S.remove_enrollment(S.picked_user, item.course_id),
                aria_label="Remove enrollment in " + item.course_title,
            )
        ),
    )


def _enrollments_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Enrollments of ", S.picked_name, size="5", as_="h2"),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="user_id", value=S.picked_user.to_string()),
                    rx.vstack(
                        field_label("Course to enroll in", "admin-enroll-course"),
                        rx.el.select(
                            rx.foreach(S.course_choices, _course_option),
                            id="admin-enroll-course",
                            name="course_id",
                            style={"padding": "0.4rem", "max_width": "24rem"},
                        ),
                        spacing="1",
                    ),
                    rx.button("Enroll", type="submit"),
                    align="end",
                    spacing="3",
                    wrap="wrap",
                ),
                on_submit=S.enroll,
                reset_on_submit=False,
            ),
            rx.cond(
                S.picked_enrollments.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Course"),
                            rx.table.column_header_cell("How"),
                            rx.table.column_header_cell("Since"),
                            rx.table.column_header_cell("Remove"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.picked_enrollments, _enrollment_row)),
                    size="1",
                    width="100%",
                ),
                rx.text("Not enrolled in any course."),
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
    )


def _password_field() -> rx.Component:
    """The acting admin's password, asked before anyone becomes an admin."""
    bad = S.proof_error != ""
    return rx.vstack(
        field_label("Your password", "promote-password"),
        rx.input(
            id="promote-password",
            name="password",
            type="password",
            auto_complete="current-password",
            max_length=200,
            aria_invalid=rx.cond(bad, "true", "false"),
            aria_describedby="promote-password-error",
            width="100%",
        ),
        rx.text(
            S.proof_error,
            id="promote-password-error",
            role="alert",
            color_scheme="red",
            size="2",
        ),
        spacing="1",
        width="100%",
        margin_top="1rem",
    )


def _confirm_change() -> rx.Component:
    """One dialog for the pending role change or deactivation, naming user and effect."""
    deactivate = S.pending_kind == "deactivate"
    return confirm_dialog(
        title=rx.cond(deactivate, "Deactivate " + S.pending_name + "?",
                      "Make " + S.pending_name + " " + S.pending_role + "?"),
        description=S.pending_effect,
        confirm_label=rx.cond(deactivate, "Deactivate", "Change role"),
        extra=rx.cond(S.needs_proof, _password_field()),
        on_submit=S.confirm_pending,
        open=S.confirm_open,
        on_open_change=S.close_confirm,
    )  # fmt: skip


def admin_users_page() -> rx.Component:
    """Everyone with an account, 25 a page."""
    return admin_page(
        "users",
        "Users",
        S.denied,
        _search(),
        found_count(S.total, "user"),
        _users_table(),
        pager("users", S.page_number, S.pages, S.go_to_page),
        rx.cond(S.picked_user > 0, _enrollments_panel()),
        _confirm_change(),
    )
