"""What a learner has to show: certificates (their own, and the public look-up) and orders.

Added once certificates and payments existed beside the API (issue 19).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from lms_reflex.api.v1.deps import SIGNED_IN, as_user, client_ip
from lms_reflex.api.v1.schemas import View
from lms_reflex.db import call_service
from lms_reflex.services.certificates import lookup, mine
from lms_reflex.services.payments import orders

router = APIRouter(tags=["records"])
Code = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class MyCertificateOut(View):
    """One of the caller's current certificates."""

    number: str
    course_id: int
    course_title: str
    printed_name: str
    issued_label: str
    status: str
    url: str


class CertificateOut(View):
    """The public verify page's facts: what was printed, never an email."""

    number: str
    status: str
    holder_name: str
    course_title: str
    course_url: str
    instructor_name: str
    issued_label: str
    hours_label: str
    revoked_label: str
    replaced_by_url: str
    pdf_url: str


class OrderLineOut(View):
    """One course of an order."""

    course_id: int
    title: str
    paid_label: str
    refunded: bool


class OrderOut(View):
    """One of the caller's orders (failed checkouts are left out, as on My purchases)."""

    reference: str
    status: str
    status_label: str
    provider: str
    created_label: str
    total_label: str
    discount_label: str
    lines: list[OrderLineOut]
    bank_instructions: str


@router.get(
    "/me/certificates",
    response_model=list[MyCertificateOut],
    dependencies=SIGNED_IN,
    responses={401: {}, 403: {}},
)
async def my_certificates(request: Request) -> list[MyCertificateOut]:
    """The caller's current certificates, as the dashboard lists them."""
    views = await as_user(request, mine.my_certificates, readonly=True)
    return [MyCertificateOut.model_validate(v, from_attributes=True) for v in views]


@router.get("/certificates/{code}", response_model=CertificateOut, responses={404: {}, 429: {}})
async def certificate(code: Code, request: Request) -> CertificateOut:
    """Anyone may check a certificate; look-ups count against the caller's address."""
    page = await call_service(lookup.verify_certificate, code=code, ip=client_ip(request))
    return CertificateOut.model_validate(page, from_attributes=True)


@router.get(
    "/me/orders",
    response_model=list[OrderOut],
    dependencies=SIGNED_IN,
    responses={401: {}, 403: {}},
)
async def my_orders(request: Request) -> list[OrderOut]:
    """The caller's orders, newest first, as My purchases shows them."""
    views = await as_user(request, orders.my_purchases, readonly=True)
    return [OrderOut.model_validate(v, from_attributes=True) for v in views]
