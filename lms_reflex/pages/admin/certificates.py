"""/admin/certificates: every certificate, a search, and revoking with a reason."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_nav import admin_page, admin_table, field_label, found_count, pager
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import ready_to_submit
from lms_reflex.services.certificates.admin import MAX_REASON
from lms_reflex.services.certificates.views import AdminCertificate
from lms_reflex.state.admin.certificates import AdminCertificatesState

S = AdminCertificatesState


def _search() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.vstack(
                field_label("Code, holder or course", "admin-certificate-q"),
                rx.input(id="admin-certificate-q", name="q", type="search", max_length=200),
                spacing="1",
            ),
            rx.button("Search certificates", type="submit", disabled=~ready_to_submit()),
            align="end", spacing="3", wrap="wrap",
        ),
        on_submit=S.search,
        role="search",
    )  # fmt: skip


def _revoke(row: rx.Var[AdminCertificate]) -> rx.Component:
    reason_id = "revoke-reason-" + row.number
    return confirm_dialog(
        trigger=rx.button("Revoke", size="1", variant="soft", color_scheme="red",
                          high_contrast=True,
                          aria_label="Revoke the certificate of " + row.holder_name),
        title="Revoke the certificate of " + row.holder_name + "?",
        description="Its page will say it was revoked, and the holder gets an email with "
                    "your reason. This cannot be undone.",
        confirm_label="Revoke certificate",
        extra=rx.vstack(
            rx.el.input(type="hidden", name="number", value=row.number),
            field_label("Reason for the holder", reason_id),
            rx.text_area(id=reason_id, name="reason", max_length=MAX_REASON, required=True,
                         width="100%"),
            width="100%", spacing="1", margin_top="0.75rem",
        ),
        on_submit=S.revoke,
    )  # fmt: skip


def _row(row: rx.Var[AdminCertificate]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.number, href=row.url)),
        rx.table.cell(row.holder_name),
        rx.table.cell(row.course_title),
        rx.table.cell(row.issued_label),
        rx.table.cell(rx.badge(row.status, color_scheme="gray")),
        rx.table.cell(rx.cond(row.status != "revoked", _revoke(row))),
    )


def _table() -> rx.Component:
    headers = ["Code", "Holder", "Course", "Issued", "Status", "Actions"]
    return admin_table(headers, S.rows, _row)


def admin_certificates_page() -> rx.Component:
    """Every certificate issued, 25 a page."""
    return admin_page(
        "certificates",
        "Certificates",
        S.denied,
        _search(),
        found_count(S.total, "certificate"),
        _table(),
        pager("certificates", S.page_number, S.pages, S.go_to_page),
    )
