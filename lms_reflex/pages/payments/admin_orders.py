"""/admin/orders: search orders, mark bank transfers paid, refund a line or a whole order."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_nav import admin_page, found_count, list_search, pager
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.services.payments.orders import LineView, OrderView
from lms_reflex.state.payments.admin_orders import AdminOrdersState as S

STATUS_CHOICES = [
    ("Any status", ""),
    ("Waiting for payment", "pending"),
    ("Paid", "paid"),
    ("Partly refunded", "partially_refunded"),
    ("Refunded", "refunded"),
    ("Not paid", "failed"),
]


def _line(order: rx.Var[OrderView], line: rx.Var[LineView]) -> rx.Component:
    refundable = (
        (order.status == "paid") | (order.status == "partially_refunded")
    ) & ~line.refunded
    return rx.hstack(
        rx.text(line.title, " \u00b7 ", line.paid_label, size="2"),
        rx.cond(line.refunded, rx.badge("refunded", color_scheme="gray")),
        rx.cond(line.needs_refund, rx.badge("already owned: refund", color_scheme="amber")),
        rx.cond(refundable,
                rx.button("Refund line", size="1", variant="soft", color_scheme="red",
                          aria_label="Refund " + line.title + " of " + order.reference,
                          on_click=S.ask("refund", order.id, line.id)),
                ),
        spacing="2",
        align="center",
        wrap="wrap",
    )  # fmt: skip


def _actions(order: rx.Var[OrderView]) -> rx.Component:
    paid = (order.status == "paid") | (order.status == "partially_refunded")
    return rx.hstack(
        rx.cond((order.provider == "bank") & (order.status == "pending"),
                rx.button("Mark paid", size="1",
                          aria_label="Mark " + order.reference + " paid",
                          on_click=S.ask("paid", order.id, 0))),
        rx.cond(order.status == "pending",
                rx.button("Cancel order", size="1", variant="soft", color_scheme="gray",
                          aria_label="Cancel " + order.reference,
                          on_click=S.ask("cancel", order.id, 0))),
        rx.cond(paid,
                rx.button("Refund order", size="1", color_scheme="red", variant="soft",
                          aria_label="Refund all of " + order.reference,
                          on_click=S.ask("refund", order.id, 0))),
        spacing="2",
    )  # fmt: skip


def _row(order: rx.Var[OrderView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(order.reference),
        rx.table.cell(order.created_label, white_space="nowrap"),
        rx.table.cell(order.buyer_email),
        rx.table.cell(order.status_label),
        rx.table.cell(order.provider, rx.el.br(), rx.text(order.provider_ref, size="1")),
        rx.table.cell(order.total_label),
        rx.table.cell(rx.vstack(rx.foreach(order.lines, lambda li: _line(order, li)),
                                spacing="1")),
        rx.table.cell(_actions(order)),
    )  # fmt: skip


def admin_orders_page() -> rx.Component:
    """Every order, newest first, 25 a page, with search by reference, provider id or email."""
    headers = ["Order", "Date", "Buyer", "Status", "Provider", "Total", "Lines", "Actions"]
    return admin_page(
        "orders",
        "Orders",
        S.denied,
        list_search("orders", "Reference, provider id or email", "Status", "status",
                    STATUS_CHOICES, S.search),
        rx.cond(S.flagged > 0,
                rx.callout(S.flagged.to_string() + " paid line(s) bought a course the buyer "
                           "already had (two tabs paying at once). They are marked "
                           "\u201calready owned: refund\u201d below.",
                           icon="triangle-alert", color_scheme="amber", high_contrast=True)),
        found_count(S.total, "order"),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(S.rows, _row)),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
            tab_index=0,
            role="region",
            aria_label="Orders",
        ),
        pager("orders", S.page_number, S.pages, S.go_to_page),
        confirm_dialog(
            title=rx.match(S.confirm_kind, ("paid", "Mark the order paid?"),
                           ("cancel", "Cancel the order?"), "Refund?"),
            description=S.confirm_text,
            confirm_label=rx.match(S.confirm_kind, ("paid", "Mark paid"),
                                   ("cancel", "Cancel order"), "Refund"),
            on_confirm=S.confirm,
            open=S.confirm_kind != "",
            on_open_change=S.close_confirm,
        ),
    )  # fmt: skip
