"""Certificates and orders over the API: the caller's own, and the public certificate look-up
(issue 19: "whichever lands second adds its endpoints")."""

from __future__ import annotations

from sqlmodel import Session, select
from starlette.testclient import TestClient

from lms_reflex.models import Course, Order, User
from lms_reflex.services.certificates import lookup
from lms_reflex.services.payments import cart, checkout
from tests.integration.api.conftest import API, Catalog
from tests.unit.catalog_fixtures import actor


def test_finishing_over_the_api_issues_a_certificate_that_anyone_can_check(
    client: TestClient, catalog: Catalog, sign_in, mailbox
) -> None:
    me = sign_in(first_name="Ada", last_name="Lovelace")
    client.post(f"{API}/courses/python-basics/enrollment", headers=me.headers)
    mailbox.sent.clear()
    for lesson in catalog.lesson_ids:
        assert client.post(f"{API}/lessons/{lesson}/completion", headers=me.headers).is_success
    assert [m.to for m in mailbox.sent] == [me.user.email]  # the certificate mail, after
    (mine,) = client.get(f"{API}/me/certificates", headers=me.headers).json()
    assert mine["course_title"] == catalog.free.title and mine["printed_name"] == "Ada Lovelace"
    public = client.get(f"{API}/certificates/{mine['number']}")  # no token
    assert public.status_code == 200
    body = public.json()
    assert body["status"] == "valid" and body["holder_name"] == "Ada Lovelace"
    assert "@" not in public.text
    other = sign_in()
    assert client.get(f"{API}/me/certificates", headers=other.headers).json() == []


def test_unknown_codes_are_a_problem_and_look_ups_are_throttled(client: TestClient, engine) -> None:
    missing = client.get(f"{API}/certificates/7KQ2-M9XD-ABCD-EFGH-0123")
    assert missing.status_code == 404 and missing.json()["type"].endswith("/not-found")
    assert client.get(f"{API}/certificates/not%20a%20code").status_code == 422
    for _ in range(lookup.LOOKUPS_PER_ADDRESS - 1):
        client.get(f"{API}/certificates/nope")
    throttled = client.get(f"{API}/certificates/nope")
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers


def test_my_orders_are_mine_only(
    client: TestClient, catalog: Catalog, session: Session, sign_in
) -> None:
    buyer, other = sign_in(), sign_in()
    course = session.get(Course, catalog.other.id)
    assert course is not None
    course.price_cents = 1999
    session.commit()
    buyer_row = session.get(User, buyer.user.id)
    cart.add_to_cart(session=session, actor=actor(buyer_row), course_id=course.id)
    checkout.checkout(session=session, actor=actor(buyer_row), provider="bank")
    session.commit()
    reference = session.exec(select(Order.reference)).one()
    (order,) = client.get(f"{API}/me/orders", headers=buyer.headers).json()
    assert order["reference"] == reference and order["status"] == "pending"
    assert [line["title"] for line in order["lines"]] == [course.title]
    assert client.get(f"{API}/me/orders", headers=other.headers).json() == []
    assert client.get(f"{API}/me/orders").status_code == 401
