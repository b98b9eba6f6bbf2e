"""What the /teach pages need from the builder services: prices as typed, links, hints."""

from __future__ import annotations

import pytest

from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.teaching import course_details, course_publishing
from lms_reflex.services.teaching import course_list as teaching
from tests.unit.test_builder import make_course, make_people


@pytest.fixture
def people(session, make_user):
    return make_people(session, make_user)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("", 0), ("0", 0), ("20", 2000), ("19.99", 1999), (" 19,9 ", 1990), ("10000", 1_000_000)],
)
def test_a_typed_price_becomes_cents(typed: str, cents: int) -> None:
    assert course_details.parse_price(typed) == cents


@pytest.mark.parametrize(
    "typed", ["-1", "1.999", "abc", "1e3", "10000.01", "12 00", "$5", "١٢", None, 12]
)
def test_a_price_that_is_not_an_amount_is_refused_in_plain_words(typed: object) -> None:
    with pytest.raises(InvalidInput, match="price"):
        course_details.parse_price(typed)


def test_teaching_rows_carry_the_slug_for_the_course_page_link(run, people) -> None:
    course_id = run(course_details.create_course, actor=people.alice, title="Linked course")
    (row,) = run(teaching.list_my_teaching, actor=people.alice)
    assert (row.id, row.slug) == (course_id, "linked-course")


def test_every_unmet_checklist_item_says_what_to_do(run, people) -> None:
    course_id = make_course(run, people.alice, lessons=0)
    items = run(course_publishing.publish_checklist, actor=people.alice, course_id=course_id)
    assert [i.done for i in items] == [True, False, False, False, False]
    hints = [i.hint for i in items]
    assert all(hints) and len(set(hints)) == len(hints)
    assert "Details" in hints[1] and "Curriculum" in hints[-1]
