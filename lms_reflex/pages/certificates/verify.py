"""The public verify page of a certificate: what it says and whether it still holds."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.forms import loading
from lms_reflex.components.shell import app_shell
from lms_reflex.pages.errors import not_found_content
from lms_reflex.state.certificates.verify import CertificateState

C = CertificateState.certificate


def _fact(label: str, value: rx.Var | str) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(rx.text(label, weight="bold", size="3"), rx.text(value, size="3"),
                  spacing="2", wrap="wrap"),
    )  # fmt: skip


def _status() -> rx.Component:
    return rx.match(
        C.status,
        ("valid", rx.callout("This certificate is valid.", icon="badge_check",
                             color_scheme="green", role="status", high_contrast=True)),
        ("revoked", rx.callout(rx.text("This certificate was revoked on ", C.revoked_label, "."),
                               icon="circle_x", color_scheme="red", role="status",
                               high_contrast=True)),
        ("replaced", rx.callout(
            rx.text("This certificate was replaced by a newer one. ",
                    rx.link("See the current certificate", href=C.replaced_by_url), "."),
            icon="info", color_scheme="amber", role="status", high_contrast=True)),
        rx.fragment(),
    )  # fmt: skip


def _certificate() -> rx.Component:
    return rx.vstack(
        rx.heading("Certificate of completion", size="8", as_="h1"),
        _status(),
        rx.cond(C.holder_name != "", rx.heading(C.holder_name, size="6", as_="h2")),
        rx.cond(C.course_url != "",
                _fact_link("Course", C.course_title, C.course_url),
                _fact("Course", C.course_title)),
        _fact("Instructor", C.instructor_name),
        _fact("Issued on", C.issued_label),
        _fact("Video content", C.hours_label),
        _fact("Certificate code", C.number),
        rx.cond(C.pdf_url != "",
                # rx.el.a is a router link in Reflex 0.10: without reload_document the
                # client router would swallow the click on this Starlette route.
                rx.button(rx.el.a("Download PDF", href=C.pdf_url, download="",
                                  reload_document=True),
                          as_child=True)),
        spacing="3", align="start", width="100%",
    )  # fmt: skip


def _fact_link(label: str, text: rx.Var, href: rx.Var) -> rx.Component:
    return rx.hstack(rx.text(label, weight="bold", size="3"), rx.link(text, href=href, size="3"),
                     spacing="2", wrap="wrap")  # fmt: skip


def certificate_page() -> rx.Component:
    """Valid, revoked or replaced; a code that names nothing gets the not-found page."""
    S = CertificateState
    return app_shell(
        rx.cond(
            S.missing,
            not_found_content(),
            rx.cond(
                S.refusal != "",
                rx.vstack(rx.heading("Please wait a moment", size="8", as_="h1"),
                          rx.text(S.refusal)),
                rx.cond(S.loaded & S.certificate.is_not_none(), _certificate(),
                        loading("Loading the certificate")),
            ),
        ),
    )  # fmt: skip
