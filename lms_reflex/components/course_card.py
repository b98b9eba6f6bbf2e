"""Course cards and the bits they share with the course page (stars, thumbnails)."""

from __future__ import annotations

import reflex as rx

from lms_reflex.services.views import CourseCard
from lms_reflex.state.payments.shop import ShopState


def rating_line(avg: rx.Var[float], count: rx.Var[int]) -> rx.Component:
    """'★ 4.6 (12 ratings)', or 'No ratings yet', readable by screen readers."""
    return rx.cond(
        count > 0,
        rx.hstack(
            rx.icon("star", size=14, color="var(--amber-9)", aria_hidden=True),
            rx.text(avg.to_string(), weight="bold", size="2"),
            rx.text("(", count.to_string(), " ratings)", size="2", color_scheme="gray"),
            spacing="1",
            align="center",
        ),
        rx.text("No ratings yet", size="2", color_scheme="gray"),
    )


def thumbnail(url: rx.Var[str], title: rx.Var[str]) -> rx.Component:
    """A 16:9 course image, or a neutral panel when there is none."""
    return rx.box(
        rx.aspect_ratio(
            rx.cond(
                url != "",
                rx.image(
                    src=url,
                    alt="Thumbnail of " + title,
                    width="100%",
                    height="100%",
                    object_fit="cover",
                    # A block image: an inline one sits on the text baseline and leaves a
                    # strip of background under the picture.
                    display="block",
                    loading="lazy",
                ),
                rx.center(
                    rx.icon("book-open", aria_hidden=True),
                    width="100%",
                    height="100%",
                    background="var(--accent-a3)",
                ),
            ),
            ratio=16 / 9,
        ),
        width="100%",
    )


def wishlist_heart(course_id: rx.Var[int], title: rx.Var[str]) -> rx.Component:
    """Save the course for later (the wishlist page lists them); signs in first if needed."""
    return rx.icon_button(
        rx.icon("heart", aria_hidden=True),
        on_click=ShopState.toggle_wishlist(course_id),
        variant="ghost",
        aria_label="Save " + title + " to your wishlist",
        title="Wishlist",
    )


def buy_buttons(course_id: rx.Var[int], title: rx.Var[str], size: str = "3") -> rx.Component:
    """Buy now (straight to paying) and Add to cart, for a priced course."""
    return rx.flex(
        rx.button("Buy now", on_click=ShopState.buy_now(course_id), size=size,
                  loading=ShopState.busy, disabled=~rx.State.is_hydrated,
                  aria_label="Buy " + title + " now"),
        rx.button("Add to cart", on_click=ShopState.add_to_cart(course_id), size=size,
                  variant="soft", aria_label="Add " + title + " to the cart"),
        spacing="2",
        wrap="wrap",
        width="100%",
    )  # fmt: skip


def _card_actions(card: rx.Var[CourseCard]) -> rx.Component:
    """Outside the card's link: a button inside a link is not allowed (axe)."""
    return rx.hstack(
        wishlist_heart(card.id, card.title),
        rx.cond(card.price_label != "Free", buy_buttons(card.id, card.title, size="1")),
        align="center",
        spacing="2",
        padding_top="0.5rem",
    )


def course_card(card: rx.Var[CourseCard]) -> rx.Component:
    """A linked card for one course in a grid, and its wishlist and buy buttons below."""
    return rx.vstack(_card_link(card), _card_actions(card), spacing="0", width="100%")


def _card_link(card: rx.Var[CourseCard]) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.inset(
                    thumbnail(card.thumbnail_url, card.title),
                    # No width here: the inset widens itself past the card's padding, and a
                    # 100% width cut it short, leaving a white strip at the right.
                    side="top",
                    pb="current",
                ),
                rx.heading(card.title, size="3", as_="h3", trim="both"),
                rx.text(card.instructor_name, size="2", color_scheme="gray"),
                rating_line(card.rating_avg, card.rating_count),
                rx.text(card.price_label, weight="bold", size="3"),
                spacing="2",
                align="stretch",
            ),
            width="100%",
            height="100%",
        ),
        href="/courses/" + card.slug,
        underline="none",
        aria_label=card.title,
        color="inherit",
    )


def course_grid(cards: rx.Var[list[CourseCard]]) -> rx.Component:
    """Cards in a responsive grid: one column on a phone, four on a desktop."""
    return rx.grid(
        rx.foreach(cards, course_card),
        columns=rx.breakpoints(initial="1", sm="2", md="3", lg="4"),
        spacing="4",
        width="100%",
    )
