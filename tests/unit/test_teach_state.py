"""The /teach list keeps itself on screen while a revisit refreshes it.

The header's "New course" dialog is drawn only while the list is loaded. The load used to
hide the list for one reply on every visit, so an instructor who came back to /teach and
opened the dialog at once lost it (and the title typed) when that reply arrived; a
clean-clone CI run on three workers failed on exactly this. These drive the real handler,
as test_player_panels.py does.
"""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from lms_reflex.services.accounts import sessions
from lms_reflex.state.teaching.teach import TeachState
from tests.unit.catalog_fixtures import add_course, add_user


def tab_on_teach(token: str) -> TeachState:
    """A tab on /teach whose websocket handshake carried the instructor's cookie."""
    root = rx.State(_reflex_internal_init=True)
    data = {
        "token": "tab",
        "pathname": "/teach",
        "query": {},
        "headers": {"cookie": f"{sessions.cookie_name()}={token}"},
    }
    root.router_data = root._update_router_vars(data, {})
    return root.get_substate(TeachState.get_full_name().split("."))  # type: ignore[return-value]


async def loaded_after_each_reply(tab: TeachState) -> list[bool]:
    """What `loaded` was at each delta the load sent (each yield, then the end)."""
    seen: list[bool] = []
    async for _ in TeachState.load.fn(tab):
        seen.append(tab.loaded)
    seen.append(tab.loaded)
    return seen


async def test_the_first_visit_shows_the_spinner_and_a_revisit_keeps_the_list(
    session: Session, run
) -> None:
    teacher = add_user(session, "teacher@example.org", "instructor")
    add_course(session, teacher, "first-course")
    session.commit()
    token = run(sessions.create_session, user_id=teacher.id, ip="", user_agent="test")
    tab = tab_on_teach(token)

    assert await loaded_after_each_reply(tab) == [False, True]
    assert [c.slug for c in tab.courses] == ["first-course"]

    add_course(session, teacher, "second-course")
    session.commit()
    assert await loaded_after_each_reply(tab) == [True]
    assert sorted(c.slug for c in tab.courses) == ["first-course", "second-course"]


async def test_a_revisit_after_losing_the_role_shows_the_refusal(session: Session, run) -> None:
    teacher = add_user(session, "teacher@example.org", "instructor")
    add_course(session, teacher, "first-course")
    session.commit()
    token = run(sessions.create_session, user_id=teacher.id, ip="", user_agent="test")
    tab = tab_on_teach(token)
    await loaded_after_each_reply(tab)

    teacher.role = "student"
    session.add(teacher)
    session.commit()
    await loaded_after_each_reply(tab)
    assert tab.courses == [] and tab.refusal != ""
