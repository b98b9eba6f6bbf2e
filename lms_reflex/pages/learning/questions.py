"""The Questions area under a lesson (issue 21): ask, read, answer, upvote; staff accept and hide.

Drawn only for readers the service let in (enrolled students and the course's staff).
Every control has a visible label or an aria-label naming the post it acts on.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.forms import NATIVE_SELECT_STYLE, ready_to_submit
from lms_reflex.services.learning.question_views import AnswerView, QuestionView
from lms_reflex.services.learning.questions import MAX_BODY_CHARS, MAX_TITLE_CHARS
from lms_reflex.state.learning.questions import QuestionsState

S = QuestionsState
P = QuestionsState.panel
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}


def _error(input_id: rx.Var[str] | str, message: rx.Var[str]) -> rx.Component:
    return rx.text(message, id=input_id + "-error", role="alert", size="2",
                   color_scheme="red", weight="medium")  # fmt: skip


def _invalid(input_id: rx.Var[str] | str, message: rx.Var[str]) -> dict:
    return {"aria_invalid": rx.cond(message != "", "true", "false"),
            "aria_describedby": input_id + "-error"}  # fmt: skip


def _ask_form() -> rx.Component:
    title_error = S.field_errors.get("title", "")
    body_error = S.field_errors.get("body", "")
    return rx.form(
        rx.vstack(
            rx.el.label("Question title", html_for="field-title", style=LABEL_STYLE),
            rx.input(id="field-title", name="title", max_length=MAX_TITLE_CHARS + 50,
                     width="100%", **_invalid("field-title", title_error)),
            _error("field-title", title_error),
            rx.el.label("Details (Markdown)", html_for="field-body", style=LABEL_STYLE),
            rx.text_area(id="field-body", name="body", rows="3", width="100%",
                         max_length=MAX_BODY_CHARS + 500, **_invalid("field-body", body_error)),
            _error("field-body", body_error),
            rx.button("Ask question", type="submit", disabled=~ready_to_submit()),
            width="100%", align="start", spacing="2",
        ),
        on_submit=S.ask,
    )  # fmt: skip


def _hidden_badge(hidden: rx.Var[bool]) -> rx.Component:
    return rx.cond(hidden, rx.badge("Hidden from students", color_scheme="red",
                                    high_contrast=True))  # fmt: skip


def _answer(question: rx.Var[QuestionView], answer: rx.Var[AnswerView]) -> rx.Component:
    staff_tools = rx.hstack(
        rx.cond(~answer.is_hidden, rx.button(
            rx.cond(answer.is_accepted, "Unaccept", "Accept"), size="1", variant="soft",
            aria_label=rx.cond(answer.is_accepted, "Unaccept answer by ", "Accept answer by ")
            + answer.author, on_click=S.toggle_accept(answer.id))),
        rx.button(rx.cond(answer.is_hidden, "Show", "Hide"), size="1", variant="soft",
                  color_scheme="gray", aria_label=rx.cond(answer.is_hidden, "Show", "Hide")
                  + " answer by " + answer.author,
                  on_click=S.hide_answer(answer.id, ~answer.is_hidden)),
        spacing="2",
    )  # fmt: skip
    return rx.box(
        rx.hstack(
            rx.text(answer.author, weight="medium", size="2"),
            rx.cond(answer.by_instructor, rx.badge("Instructor", high_contrast=True)),
            rx.cond(answer.is_accepted, rx.badge("Accepted answer", color_scheme="green",
                                                 high_contrast=True)),
            _hidden_badge(answer.is_hidden),
            rx.text(answer.date_label, size="1", color_scheme="gray"),
            spacing="2", align="center", wrap="wrap",
        ),
        rx.html(answer.body_html),
        rx.cond(P.can_moderate, staff_tools),
        padding_left="1em", border_left="3px solid var(--gray-a6)", width="100%",
    )  # fmt: skip


def _answer_form(question: rx.Var[QuestionView]) -> rx.Component:
    name = "answer-" + question.id.to_string()
    input_id = "field-" + name
    error = S.field_errors.get(name, "")
    return rx.form(
        rx.el.input(type="hidden", name="question_id", value=question.id.to_string()),
        rx.el.label("Your answer to \u201c", question.title, "\u201d", html_for=input_id,
                    style=LABEL_STYLE),
        rx.text_area(id=input_id, name="answer", rows="2", width="100%",
                     max_length=MAX_BODY_CHARS + 500, **_invalid(input_id, error)),
        _error(input_id, error),
        rx.button("Post answer", type="submit", size="2", disabled=~ready_to_submit(),
                  aria_label="Post answer to " + question.title),
        width="100%",
        on_submit=S.answer,
    )  # fmt: skip


def _question(question: rx.Var[QuestionView]) -> rx.Component:
    vote_label = rx.cond(question.voted, "Remove upvote from ", "Upvote ") + question.title
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(question.title, as_="h3", size="3"),
                _hidden_badge(question.is_hidden),
                spacing="2", align="center", wrap="wrap",
            ),
            rx.text("Asked by ", question.author, " on ", question.date_label, size="1",
                    color_scheme="gray"),
            rx.html(question.body_html),
            rx.hstack(
                rx.button("\u25b2 ", question.votes.to_string(), size="1",
                          variant=rx.cond(question.voted, "solid", "outline"),
                          aria_label=vote_label + " (" + question.votes.to_string() + " votes)",
                          aria_pressed=rx.cond(question.voted, "true", "false"),
                          disabled=question.is_mine, on_click=S.toggle_vote(question.id)),
                rx.cond(P.can_moderate, rx.button(
                    rx.cond(question.is_hidden, "Show", "Hide"), size="1", variant="soft",
                    color_scheme="gray", on_click=S.hide_question(question.id, ~question.is_hidden),
                    aria_label=rx.cond(question.is_hidden, "Show question ", "Hide question ")
                    + question.title)),
                spacing="2",
            ),
            rx.foreach(question.answers, lambda a: _answer(question, a)),
            _answer_form(question),
            width="100%", spacing="2", align="start",
        ),
        width="100%",
    )  # fmt: skip


def _sort_picker() -> rx.Component:
    return rx.hstack(
        rx.el.label("Sort questions", html_for="questions-sort", style=LABEL_STYLE),
        rx.el.select(
            rx.el.option("New", value="new"), rx.el.option("Top", value="top"),
            id="questions-sort", value=S.sort, on_change=S.set_sort,
            style={**NATIVE_SELECT_STYLE, "width": "8rem"},
        ),
        align="center", spacing="2",
    )  # fmt: skip


def questions_section() -> rx.Component:
    """The lesson's Questions area, or nothing for readers who may not see it."""
    return rx.cond(
        P,
        rx.el.section(
            rx.vstack(
                rx.heading("Questions (", P.count.to_string(), ")", as_="h2", size="5",
                           id="questions-heading"),
                _ask_form(),
                _sort_picker(),
                rx.foreach(P.questions, _question),
                width="100%", spacing="3", align="start",
            ),
            aria_labelledby="questions-heading", width="100%",
        ),
    )  # fmt: skip
