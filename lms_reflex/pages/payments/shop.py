"""The buyer's pages: the cart, an order, My purchases and the wishlist.

An order page shows bank details, or waits for the card payment to be confirmed.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.components.forms import labeled_input, loading
from lms_reflex.components.shell import app_shell
from lms_reflex.services.payments.cart import CartLine
from lms_reflex.services.payments.orders import LineView, OrderView
from lms_reflex.state.payments.cart import CartState
from lms_reflex.state.payments.orders import OrderState, PurchasesState, WishlistState
from lms_reflex.state.payments.shop import ShopState


def _cart_line(line: rx.Var[CartLine]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(line.title, href="/courses/" + line.slug)),
        rx.table.cell(line.price_label),
        rx.table.cell(
            rx.button("Remove", on_click=CartState.remove(line.course_id), variant="soft",
                      size="1", aria_label="Remove " + line.title + " from the cart"),
        ),
    )  # fmt: skip


def _coupon_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(labeled_input("Coupon code", "coupon", required=False,
                                 error=CartState.coupon_error), flex_grow="1"),
            rx.button("Apply", type="submit", variant="soft", size="3", margin_top="1.4rem"),
            align="start",
            width="100%",
        ),
        on_submit=CartState.apply_coupon,
        width="100%",
        max_width="28rem",
    )  # fmt: skip


def _pay_buttons() -> rx.Component:
    return rx.hstack(
        rx.cond(CartState.providers.contains("stripe"),
                rx.button("Pay by card", on_click=CartState.checkout("stripe"), size="3",
                          loading=CartState.busy, disabled=~rx.State.is_hydrated)),
        rx.button("Pay by bank transfer", on_click=CartState.checkout("bank"), size="3",
                  variant=rx.cond(CartState.providers.contains("stripe"), "soft", "solid"),
                  loading=CartState.busy, disabled=~rx.State.is_hydrated),
        spacing="3",
        wrap="wrap",
    )  # fmt: skip


def cart_page() -> rx.Component:
    """The cart at today's prices, a coupon field and the ways to pay."""
    return app_shell(
        rx.heading("Your cart", size="7", as_="h1"),
        rx.foreach(CartState.notes, lambda note: rx.callout(note, icon="info", color_scheme="gray",
                                                           high_contrast=True, width="100%")),
        rx.cond(
            CartState.lines.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(rx.table.row(rx.table.column_header_cell("Course"),
                                                 rx.table.column_header_cell("Price"),
                                                 rx.table.column_header_cell("Action"))),
                    rx.table.body(rx.foreach(CartState.lines, _cart_line)),
                    width="100%",
                ),
                _coupon_form(),
                rx.cond(CartState.discount_label != "",
                        rx.text("Coupon ", CartState.coupon, ": \u2212", CartState.discount_label,
                                size="3")),
                rx.heading("Total: ", CartState.total_label, size="5", as_="h2"),
                _pay_buttons(),
                spacing="4",
                width="100%",
                align="start",
            ),
            rx.text("Your cart is empty. ",
                    rx.link("Browse courses", href=routes.HOME, underline="always"), "."),
        ),
    )  # fmt: skip


def _order_line(line: rx.Var[LineView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(line.title),
        rx.table.cell(line.paid_label, rx.cond(line.refunded, " (refunded)", "")),
    )


def _order_body(order: rx.Var[OrderView]) -> rx.Component:
    return rx.vstack(
        rx.heading("Order ", order.reference, size="7", as_="h1"),
        rx.text("Status: ", rx.text.strong(order.status_label)),
        rx.table.root(
            rx.table.header(rx.table.row(rx.table.column_header_cell("Course"),
                                         rx.table.column_header_cell("Paid"))),
            rx.table.body(rx.foreach(order.lines, _order_line)),
            width="100%",
        ),
        rx.heading("Total: ", order.total_label, size="5", as_="h2"),
        rx.cond(order.bank_instructions != "",
                rx.callout(rx.text(order.bank_instructions, " Reference: ",
                                   rx.text.strong(order.reference)),
                           icon="landmark", color_scheme="gray", high_contrast=True, width="100%")),
        rx.cond(OrderState.waiting,
                rx.hstack(loading("Confirming your payment"),
                          rx.text("Confirming your payment\u2026"), align="center")),
        rx.cond(order.status == "paid",
                rx.text("Your courses are ready. ",
                        rx.link("Go to my courses", href=routes.MY_COURSES,
                                underline="always"), ".")),
        spacing="4",
        width="100%",
        align="start",
    )  # fmt: skip


def order_page() -> rx.Component:
    """One of the buyer's orders; a card payment waits here for Stripe's confirmation."""
    return app_shell(
        rx.cond(
            OrderState.order,
            _order_body(OrderState.order.to(OrderView)),  # type: ignore[union-attr]
            rx.cond(OrderState.missing,
                    rx.heading("We could not find that order.", size="6", as_="h1"),
                    loading("Loading the order")),
        ),
    )  # fmt: skip


def _purchase(order: rx.Var[OrderView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(order.reference, href="/orders/" + order.reference)),
        rx.table.cell(order.created_label),
        rx.table.cell(order.total_label),
        rx.table.cell(order.status_label),
    )


def purchases_page() -> rx.Component:
    """My purchases: every order of the signed-in user."""
    headers = ["Order", "Date", "Total", "Status"]
    return app_shell(
        rx.heading("My purchases", size="7", as_="h1"),
        rx.cond(
            PurchasesState.purchases.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(PurchasesState.purchases, _purchase)),
                width="100%",
            ),
            rx.text("You have not bought anything yet."),
        ),
    )


def _saved(line: rx.Var[CartLine]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(line.title, href="/courses/" + line.slug)),
        rx.table.cell(line.price_label),
        rx.table.cell(
            rx.hstack(
                rx.button("Add to cart", on_click=ShopState.add_to_cart(line.course_id), size="1",
                          aria_label="Add " + line.title + " to the cart"),
                rx.button("Remove", on_click=WishlistState.remove(line.course_id), size="1",
                          variant="soft", aria_label="Remove " + line.title + " from the wishlist"),
            ),
        ),
    )  # fmt: skip


def wishlist_page() -> rx.Component:
    """Courses the user saved for later."""
    return app_shell(
        rx.heading("Wishlist", size="7", as_="h1"),
        rx.cond(
            WishlistState.saved.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("Course"),
                                             rx.table.column_header_cell("Price"),
                                             rx.table.column_header_cell("Actions"))),
                rx.table.body(rx.foreach(WishlistState.saved, _saved)),
                width="100%",
            ),
            rx.text("Nothing saved yet. The heart on a course saves it here."),
        ),
    )  # fmt: skip
