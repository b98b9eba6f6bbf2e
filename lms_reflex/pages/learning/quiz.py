"""The quiz panel the player shows in place of the video for a quiz lesson (issue 21).

Native radio buttons, checkboxes and inputs, each with its label, in a fieldset named by
the question: keyboard operable as browsers make them. Answers save on change/blur.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.forms import ready_to_submit
from lms_reflex.services.learning.quiz_views import OptionView, QuestionResult, QuestionView
from lms_reflex.state.learning.quiz import QuizState

S = QuizState
Z = QuizState.quiz


def _choice(question: rx.Var[QuestionView], option: rx.Var[OptionView]) -> rx.Component:
    input_id = "answer-" + question.id.to_string() + "-" + option.id.to_string()
    saved = Z.answers[question.id.to_string()]
    multiple = question.type == "multiple"
    return rx.hstack(
        rx.cond(
            multiple,
            rx.checkbox(id=input_id, default_checked=saved.to(list).contains(option.id),
                        on_change=lambda c: S.toggle_option(question.id, option.id, c)),
            rx.el.input(type="radio", id=input_id, name="q-" + question.id.to_string(),
                        value=option.id.to_string(), default_checked=saved == option.id,
                        on_change=lambda v: S.save_answer(question.id, v)),
        ),
        rx.el.label(option.text, html_for=input_id),
        spacing="2", align="center",
    )  # fmt: skip


def _typed(question: rx.Var[QuestionView]) -> rx.Component:
    input_id = "answer-" + question.id.to_string()
    saved = Z.answers[question.id.to_string()]
    return rx.vstack(
        rx.el.label("Your answer", html_for=input_id),
        rx.input(id=input_id, type=rx.cond(question.type == "numeric", "number", "text"),
                 step="any", default_value=rx.cond(saved, saved.to(str), ""), max_length=500,
                 on_blur=lambda v: S.save_answer(question.id, v)),
        spacing="1",
    )  # fmt: skip


def _refusal(question: rx.Var[QuestionView]) -> rx.Component:
    key = question.id.to_string()
    return rx.cond(
        S.answer_errors.contains(key),
        rx.text(S.answer_errors[key], id="answer-error-" + key, color_scheme="red", size="2",
                role="alert"),
    )  # fmt: skip


def _question(question: rx.Var[QuestionView]) -> rx.Component:
    typed = (question.type == "short_text") | (question.type == "numeric")
    return rx.el.fieldset(
        rx.el.legend(question.number.to_string(), ". ", question.prompt,
                     style={"font_weight": "600"}),
        rx.cond(typed, _typed(question),
                rx.vstack(rx.foreach(question.options, lambda o: _choice(question, o)),
                          spacing="1")),
        _refusal(question),
        # Screen readers read a refused answer's sentence with the question it is about.
        aria_describedby="answer-error-" + question.id.to_string(),
        style={"border": "1px solid var(--gray-a6)", "border_radius": "var(--radius-3)",
               "padding": "0.75rem 1rem", "width": "100%"},
        key="fs-" + question.id.to_string() + "-" + Z.attempt_id.to_string(),
    )  # fmt: skip


def _attempt() -> rx.Component:
    return rx.vstack(
        rx.cond(S.seconds_left > 0,
                rx.text("Time left: ", (S.seconds_left // 60).to_string(), " min ",
                        (S.seconds_left % 60).to_string(), " s", role="timer", weight="bold")),
        rx.text("Your answers are saved as you go.", size="2", color_scheme="gray"),
        rx.foreach(Z.questions, _question),
        rx.button("Submit answers", on_click=S.submit, disabled=~ready_to_submit(), size="3"),
        spacing="3", width="100%", align="start",
    )  # fmt: skip


def _result_line(result: rx.Var[QuestionResult]) -> rx.Component:
    return rx.vstack(
        rx.text(result.number.to_string(), ". ", result.prompt, " \u2014 ",
                rx.cond(result.correct, "right", "wrong"), weight="medium"),
        rx.cond(result.correct_answer != "",
                rx.text("Correct answer: ", result.correct_answer, size="2")),
        rx.cond(result.explanation != "", rx.text(result.explanation, size="2")),
        spacing="1",
    )  # fmt: skip


def _result() -> rx.Component:
    last = Z.last_result
    return rx.vstack(
        rx.callout(
            rx.text("Your score: ", last.score_pct.to_string(), " % \u2014 ",
                    rx.cond(last.passed, "passed", "not passed yet")),
            icon=rx.cond(last.passed, "check", "info"),
            color_scheme=rx.cond(last.passed, "green", "amber"), role="status",
            high_contrast=True,
        ),
        rx.foreach(last.questions, _result_line),
        spacing="3", width="100%",
    )  # fmt: skip


def _summary() -> rx.Component:
    return rx.text(
        "Pass mark ", Z.pass_mark_pct.to_string(), " % \u00b7 ",
        Z.question_count.to_string(), " questions \u00b7 attempts used ",
        Z.attempts_used.to_string(),
        rx.cond(Z.attempts_allowed > 0, " of " + Z.attempts_allowed.to_string(), ""),
        rx.cond(Z.best_score_pct, " \u00b7 best score " + Z.best_score_pct.to_string() + " %", ""),
        rx.cond(Z.time_limit_s, " \u00b7 time limit "
                + (Z.time_limit_s.to(int) // 60).to_string() + " min", ""),
        size="2",
    )  # fmt: skip


def _start_button() -> rx.Component:
    started = Z.attempts_used > 0
    return rx.cond(
        S.can_start,
        rx.button(rx.cond(started, "Try again", "Start the quiz"), on_click=S.start,
                  disabled=~ready_to_submit(), size="3"),
        rx.cond(~Z.ready, rx.text("This quiz is not ready yet.")),
    )  # fmt: skip


def quiz_panel() -> rx.Component:
    """The quiz in the player's main area (or why it cannot be taken)."""
    return rx.box(
        rx.cond(
            S.quiz_problem != "",
            rx.callout(S.quiz_problem, icon="info", role="alert"),
            rx.cond(Z, rx.vstack(
                _summary(),
                rx.cond(Z.attempt_id, _attempt(),
                        rx.vstack(rx.cond(Z.last_result, _result()), _start_button(),
                                  spacing="3", width="100%")),
                spacing="3", width="100%",
            )),
        ),
        width="100%", padding="1rem", border="1px solid var(--gray-a6)",
        border_radius="var(--radius-3)",
    )  # fmt: skip
