"""The curriculum page's display helpers: a drop shows at once only if it fits the screen."""

from __future__ import annotations

from lms_reflex.services.teaching.course_details import EditorLesson, EditorSection
from lms_reflex.state.teaching.curriculum import arranged, find_lesson, layout_from_pairs


def lesson(lesson_id: int) -> EditorLesson:
    return EditorLesson(lesson_id, f"L{lesson_id}", "", False, 0, 0, False, "", "")


SECTIONS = [
    EditorSection(1, "One", 0, [lesson(10), lesson(11)]),
    EditorSection(2, "Two", 1, [lesson(20)]),
]


def ids(sections: list[EditorSection]) -> list[tuple[int, list[int]]]:
    return [(s.id, [le.id for le in s.lessons]) for s in sections]


def test_pairs_from_the_browser_become_the_service_layout() -> None:
    assert layout_from_pairs([[1, [11]], [2, [10, 20]]]) == {1: [11], 2: [10, 20]}


def test_malformed_pairs_are_passed_on_for_the_service_to_refuse() -> None:
    assert layout_from_pairs("nonsense") == "nonsense"
    assert layout_from_pairs([[[1], [2]]]) == [[[1], [2]]]
    assert layout_from_pairs(5) == 5


def test_a_section_move_is_shown_with_dense_positions() -> None:
    shown = arranged(SECTIONS, [2, 1])
    assert shown is not None
    assert ids(shown) == [(2, [20]), (1, [10, 11])]
    assert [s.position for s in shown] == [0, 1]


def test_a_lesson_moved_between_sections_is_shown() -> None:
    shown = arranged(SECTIONS, [1, 2], {1: [11], 2: [20, 10]})
    assert shown is not None and ids(shown) == [(1, [11]), (2, [20, 10])]


def test_orders_that_do_not_match_the_screen_are_not_shown() -> None:
    assert arranged(SECTIONS, [1]) is None
    assert arranged(SECTIONS, [1, 1]) is None
    assert arranged(SECTIONS, [1, 3]) is None
    assert arranged(SECTIONS, [1, 2], {1: [10, 11, 99], 2: [20]}) is None
    assert arranged(SECTIONS, [1, 2], {1: [10, 10], 2: [20]}) is None
    assert arranged(SECTIONS, [1, 2], {1: 5, 2: [20]}) is None
    assert arranged(SECTIONS, ["1", 2]) is None


def test_find_lesson_looks_only_at_the_sections_on_screen() -> None:
    assert find_lesson(SECTIONS, 20) == lesson(20)
    assert find_lesson(SECTIONS, 99) is None
