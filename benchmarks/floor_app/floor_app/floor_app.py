"""The floor app: one page at the lesson player's route, one state with a DB upsert."""

import reflex as rx

from floor_app.state import ProgressState


def lesson_page() -> rx.Component:
    return rx.el.p("floor")


app = rx.App()
app.add_page(lesson_page, route="/learn/[course_slug]/[lesson]", on_load=ProgressState.load)
app.add_page(lambda: rx.el.p("ok"), route="/")
