"""/teach/quizzes/<lesson id>: a quiz's rules, questions, answers and analytics (issue 21).

Every input has a label tied to a unique id (question and answer ids are part of it);
refusals show under the form they are about. Questions move by drag and drop with the
curriculum's sortable component (its handle also works with the keyboard: Space, arrows,
Space), and with Up and Down buttons, a way that needs no dragging at all.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import loading
from lms_reflex.components.shell import app_shell
from lms_reflex.components.sortable import sortable_dnd, sortable_item, sortable_list
from lms_reflex.services.teaching.quiz_editor import EditorOption, EditorQuestion, QuestionStat
from lms_reflex.state.teaching.quiz_editor import QuizEditorState

Q = QuizEditorState
LABEL = {"font_weight": "500", "font_size": "14px"}
TYPES = [
    ("single", "Single choice"),
    ("multiple", "Multiple choice"),
    ("true_false", "True / false"),
    ("short_text", "Short text"),
    ("numeric", "Number"),
]
HELP = (
    "Drag a question by its handle to move it, or use its Up and Down buttons. With the "
    "keyboard on a handle: Space to pick it up, the arrow keys to move it, Space to drop it."
)
SHOW = [
    ("after_pass", "After the student passes"),
    ("after_each", "After every attempt"),
    ("never", "Never (score only)"),
]


def _label(text: str | rx.Var, for_id: str | rx.Var) -> rx.Component:
    return rx.el.label(text, html_for=for_id, style=LABEL)


def _error(key: str | rx.Var) -> rx.Component:
    return rx.cond(
        Q.errors.contains(key),
        rx.text(Q.errors[key], color_scheme="red", size="2", role="alert"),
    )


def _field(label: str, name: str, form_id: str | rx.Var, **props) -> rx.Component:
    input_id = form_id + "-" + name if isinstance(form_id, rx.Var) else f"{form_id}-{name}"
    return rx.vstack(
        _label(label, input_id), rx.input(id=input_id, name=name, width="100%", **props),
        spacing="1", width="100%",
    )  # fmt: skip


def _select(label: str, name: str, choices: list[tuple[str, str]], value) -> rx.Component:
    return rx.vstack(
        _label(label, f"quiz-{name}"),
        rx.el.select(*[rx.el.option(text, value=key) for key, text in choices],
                     id=f"quiz-{name}", name=name, default_value=value,
                     style={"padding": "0.4rem", "border_radius": "var(--radius-2)"}),
        spacing="1",
    )  # fmt: skip


def _settings() -> rx.Component:
    quiz = Q.quiz
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Settings", as_="h2", size="4"),
                rx.flex(
                    _field("Pass mark (%)", "pass_mark_pct", "quiz", type="number", min=0,
                           max=100, default_value=quiz.pass_mark_pct.to_string()),
                    _field("Attempts allowed (0 = unlimited)", "attempts_allowed", "quiz",
                           type="number", min=0, max=100,
                           default_value=quiz.attempts_allowed.to_string()),
                    _field("Time limit in minutes (0 = none)", "time_limit_min", "quiz",
                           type="number", min=0, max=360,
                           default_value=(quiz.time_limit_s // 60).to_string()),
                    spacing="3", wrap="wrap", width="100%",
                ),
                _select("Show correct answers", "show_answers", SHOW, quiz.show_answers),
                _error("settings"),
                rx.button("Save settings", type="submit"),
                spacing="3", align="start", width="100%",
            ),
            on_submit=Q.save_settings,
            key="settings-" + quiz.lesson_id.to_string(),
        ),
        width="100%",
    )  # fmt: skip


def _option(option: rx.Var[EditorOption], question: rx.Var[EditorQuestion]) -> rx.Component:
    form_id = "o-" + option.id.to_string()
    fixed = question.type == "true_false"
    return rx.form(
        rx.flex(
            rx.el.input(type="hidden", name="option_id", value=option.id.to_string()),
            rx.box(_field("Answer", "text", form_id, default_value=option.text, read_only=fixed),
                   flex="1", min_width="12rem"),
            rx.hstack(
                rx.checkbox(id=form_id + "-correct", name="is_correct",
                            default_checked=option.is_correct),
                _label("Correct", form_id + "-correct"),
                align="center", spacing="1",
            ),
            rx.button("Save answer", type="submit", variant="soft", size="2",
                      aria_label="Save answer " + option.text),
            rx.button("Up", type="button", variant="soft", size="2",
                      aria_label="Move answer " + option.text + " up",
                      on_click=Q.move_option(option.id, -1)),
            rx.button("Down", type="button", variant="soft", size="2",
                      aria_label="Move answer " + option.text + " down",
                      on_click=Q.move_option(option.id, 1)),
            rx.cond(~fixed, rx.button("Delete", type="button", variant="soft", color_scheme="red",
                                      size="2", aria_label="Delete answer " + option.text,
                                      on_click=Q.ask_delete("option", option.id))),
            spacing="2", align="end", wrap="wrap", width="100%",
        ),
        _error(form_id),
        on_submit=Q.save_option,
        key=form_id + "-" + option.text + option.is_correct.to_string(),
        width="100%",
    )  # fmt: skip


def _new_option(question: rx.Var[EditorQuestion]) -> rx.Component:
    form_id = "new-o-" + question.id.to_string()
    return rx.form(
        rx.flex(
            rx.el.input(type="hidden", name="question_id", value=question.id.to_string()),
            rx.box(_field("New answer", "text", form_id), flex="1", min_width="12rem"),
            rx.hstack(rx.checkbox(id=form_id + "-correct", name="is_correct"),
                      _label("Correct", form_id + "-correct"), align="center", spacing="1"),
            rx.button("Add answer", type="submit", variant="outline", size="2",
                      aria_label="Add answer to question " + question.number.to_string()),
            spacing="2", align="end", wrap="wrap", width="100%",
        ),
        _error(form_id),
        on_submit=Q.add_option,
        reset_on_submit=True,
        width="100%",
    )  # fmt: skip


def _key_fields(question: rx.Var[EditorQuestion], form_id: rx.Var) -> rx.Component:
    return rx.match(
        question.type,
        ("short_text", rx.vstack(
            _label("Accepted answers (one per line; case and spaces do not matter)",
                   form_id + "-accepted"),
            rx.text_area(id=form_id + "-accepted", name="accepted_answers", rows="3",
                         default_value=question.accepted_answers, width="100%"),
            spacing="1", width="100%",
        )),
        ("numeric", rx.flex(
            _field("Correct number", "numeric_value", form_id,
                   default_value=question.numeric_value),
            _field("Tolerance (±)", "tolerance", form_id, default_value=question.tolerance),
            spacing="3", width="100%",
        )),
        rx.hstack(rx.checkbox(id=form_id + "-shuffle", name="shuffle",
                              default_checked=question.shuffle),
                  _label("Shuffle the answers for each student", form_id + "-shuffle"),
                  align="center", spacing="1"),
    )  # fmt: skip


def _question_form(question: rx.Var[EditorQuestion]) -> rx.Component:
    form_id = "q-" + question.id.to_string()
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="question_id", value=question.id.to_string()),
            _field("Question", "prompt", form_id, default_value=question.prompt),
            _key_fields(question, form_id),
            rx.vstack(
                _label("Explanation (shown with the results)", form_id + "-explanation"),
                rx.text_area(id=form_id + "-explanation", name="explanation", rows="2",
                             default_value=question.explanation, width="100%"),
                spacing="1", width="100%",
            ),
            _error(form_id),
            rx.button("Save question", type="submit", size="2",
                      aria_label="Save question " + question.number.to_string()),
            spacing="2", align="start", width="100%",
        ),
        on_submit=Q.save_question,
        key=form_id + "-" + question.prompt,
        width="100%",
    )  # fmt: skip


def _question(question: rx.Var[EditorQuestion]) -> rx.Component:
    number = question.number.to_string()
    return sortable_item(
        _question_card(question),
        kind="question",
        item_id=question.id,
        label="question " + number,
        handle_label="Move question " + number,
        key="question-" + question.id.to_string(),
    )


def _questions() -> rx.Component:
    questions = Q.quiz.questions
    return sortable_dnd(
        sortable_list(
            rx.vstack(rx.foreach(questions, _question), spacing="4", width="100%"),
            kind="question",
            items=questions,
        ),
        items=questions,
        on_move=Q.move_questions,
    )


def _question_card(question: rx.Var[EditorQuestion]) -> rx.Component:
    number = question.number.to_string()
    choice = (question.type == "single") | (question.type == "multiple")
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading("Question " + number, as_="h3", size="3"),
                rx.badge(question.type),
                rx.spacer(),
                rx.button("Up", variant="soft", size="1", aria_label="Move question " + number
                          + " up", on_click=Q.move_question(question.id, -1)),
                rx.button("Down", variant="soft", size="1", aria_label="Move question " + number
                          + " down", on_click=Q.move_question(question.id, 1)),
                rx.button("Delete", variant="soft", color_scheme="red", size="1",
                          aria_label="Delete question " + number,
                          on_click=Q.ask_delete("question", question.id)),
                spacing="2", align="center", wrap="wrap", width="100%",
            ),
            rx.cond(question.problem != "",
                    rx.callout(question.problem, icon="info", color_scheme="amber", size="1")),
            _question_form(question),
            rx.foreach(question.options, lambda o: _option(o, question)),
            rx.cond(choice, _new_option(question)),
            spacing="3", width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _new_question() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add a question", as_="h2", size="4"),
                _select("Question type", "type", TYPES, "single"),
                _field("Question", "prompt", "new"),
                _error("new"),
                rx.button("Add question", type="submit"),
                spacing="3", align="start", width="100%",
            ),
            on_submit=Q.add_question,
            reset_on_submit=True,
        ),
        width="100%",
    )  # fmt: skip


def _stat(stat: rx.Var[QuestionStat]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(stat.number.to_string() + ". " + stat.prompt),
        rx.table.cell(stat.correct_pct.to_string() + " %"),
    )


def _analytics() -> rx.Component:
    stats = Q.stats
    return rx.card(
        rx.vstack(
            rx.heading("Results", as_="h2", size="4"),
            rx.text(stats.attempts.to_string(), " submitted attempts · pass rate ",
                    stats.pass_rate_pct.to_string(), " % · average score ",
                    stats.average_score_pct.to_string(), " %"),
            rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("Question"),
                                             rx.table.column_header_cell("Answered right"))),
                rx.table.body(rx.foreach(stats.questions, _stat)),
                width="100%",
            ),
            spacing="2", width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _editor() -> rx.Component:
    quiz = Q.quiz
    return rx.vstack(
        rx.link("Back to the curriculum",
                href="/teach/courses/" + quiz.course_id.to_string() + "/curriculum"),
        rx.heading("Quiz: ", quiz.title, as_="h1", size="6"),
        rx.cond(quiz.ready,
                rx.text("Students can take this quiz.", color_scheme="green"),
                rx.text("Students cannot start this quiz until every question is complete.",
                        color_scheme="amber")),
        _settings(),
        rx.cond(quiz.questions.length() > 1, rx.text(HELP, size="2", color_scheme="gray")),
        _error("order"),
        _questions(),
        _new_question(),
        rx.cond(Q.stats, _analytics()),
        confirm_dialog(
            title=rx.cond(Q.delete_kind == "question", "Delete this question?",
                          "Delete this answer?"),
            description="Students' saved answers to it are deleted too. This cannot be undone.",
            confirm_label="Delete",
            on_confirm=Q.confirm_delete,
            open=Q.delete_open,
            on_open_change=Q.set_delete_open,
        ),
        spacing="4", width="100%", max_width="48rem",
    )  # fmt: skip


def quiz_editor_page() -> rx.Component:
    """The quiz editor of one quiz lesson, for its instructor."""
    return app_shell(
        rx.cond(
            Q.problem != "",
            rx.vstack(
                rx.heading("Quiz", as_="h1", size="6"),
                rx.callout(Q.problem, icon="info", role="alert"),
                rx.link("Back to my courses", href="/teach"),
                spacing="3",
            ),
            rx.cond(Q.loaded & Q.quiz, _editor(), rx.center(loading("Loading the quiz", size="3"))),
        )
    )
