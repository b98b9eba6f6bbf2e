"""The coupons page: a new-coupon form and the list, for admins and instructors."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_nav import field_label
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import labeled_input
from lms_reflex.components.shell import app_shell
from lms_reflex.services.payments.coupons import CouponRow
from lms_reflex.state.payments.coupons import CouponsState as S


def _select(label: str, name: str, choices: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        field_label(label, f"field-{name}"),
        rx.el.select(*[rx.el.option(text, value=value) for text, value in choices],
                     id=f"field-{name}", name=name, style={"padding": "0.4rem"}),
        spacing="1",
    )  # fmt: skip


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labeled_input("Code", "code", hint="3 to 40 letters, digits, - or _"),
            rx.hstack(
                _select("Discount", "kind", [("Percent off", "percent"), ("Amount off", "fixed")]),
                labeled_input("Percent or amount", "amount", hint="e.g. 20 or 5.00"),
                align="start", wrap="wrap", spacing="3",
            ),
            _select("Applies to", "scope", [("One course", "course"),
                                             ("All my courses", "instructor"),
                                             ("Every course (admins)", "all")]),
            rx.vstack(
                field_label("Course (for one course)", "field-course_id"),
                rx.el.select(rx.el.option("Choose a course", value=""),
                             rx.foreach(S.courses, lambda c: rx.el.option(c.title, value=c.id)),
                             id="field-course_id", name="course_id",
                             style={"padding": "0.4rem"}),
                spacing="1",
            ),
            rx.hstack(
                labeled_input("Starts", "starts", type="date", required=False),
                labeled_input("Ends", "ends", type="date", required=False),
                labeled_input("Usage limit", "limit", required=False, hint="empty: no limit"),
                align="start", wrap="wrap", spacing="3",
            ),
            rx.cond(S.form_error != "",
                    rx.text(S.form_error, role="alert", color_scheme="red", size="2")),
            rx.button("Create coupon", type="submit", disabled=~rx.State.is_hydrated),
            spacing="3",
            align="start",
            width="100%",
            max_width="36rem",
        ),
        on_submit=S.create,
        reset_on_submit=False,
    )  # fmt: skip


def _row(row: rx.Var[CouponRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.coupon),
        rx.table.cell(row.label),
        rx.table.cell(row.scope_label),
        rx.table.cell(row.window),
        rx.table.cell(row.uses),
        rx.table.cell(
            confirm_dialog(
                title="End coupon " + row.coupon + "?",
                description="It stops working now. Orders that used it keep their discount.",
                confirm_label="End coupon",
                on_confirm=S.end(row.id),
                trigger=rx.button("End", size="1", variant="soft", color_scheme="red",
                                  aria_label="End coupon " + row.coupon),
            )
        ),
    )  # fmt: skip


def coupons_page() -> rx.Component:
    """Coupons the user manages (every coupon for admins)."""
    headers = ["Code", "Discount", "Applies to", "Valid", "Uses", "Action"]
    return app_shell(
        rx.heading("Coupons", size="7", as_="h1"),
        rx.cond(
            S.denied,
            rx.callout("Coupons are for instructors and administrators.", icon="lock",
                       color_scheme="gray", role="alert"),
            rx.vstack(
                rx.heading("New coupon", size="5", as_="h2"),
                _form(),
                rx.heading("Your coupons", size="5", as_="h2"),
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h)
                                                   for h in headers])),
                    rx.table.body(rx.foreach(S.rows, _row)),
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )  # fmt: skip
