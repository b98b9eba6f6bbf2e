"""The admin audit trail: who did what, when, with the values before and after."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_nav import admin_page, admin_table, pager
from lms_reflex.services.admin.audit_trail import AuditRow
from lms_reflex.state.admin.audit import AdminAuditState as S


def _row(row: rx.Var[AuditRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when_label, white_space="nowrap"),
        rx.table.cell(row.who),
        rx.table.row_header_cell(row.action),
        rx.table.cell(row.about),
        rx.table.cell(row.before),
        rx.table.cell(row.after),
    )


def admin_audit_page() -> rx.Component:
    """Every admin action, newest first, 25 a page."""
    headers = ["When", "Who", "What", "About", "Before", "After"]
    return admin_page(
        "audit",
        "Audit trail",
        S.denied,
        rx.text(S.total.to_string(), " admin actions recorded", size="2"),
        rx.cond(S.total == 0, _nothing_yet(), _table(headers)),
        pager("admin actions", S.page_number, S.pages, S.go_to_page),
    )


def _nothing_yet() -> rx.Component:
    """An empty table of six headers says less than one sentence."""
    return rx.callout(
        "No admin actions yet. Role changes, deactivations, moderation and manual "
        "enrollments appear here, newest first.",
        icon="info",
        color_scheme="gray",
        high_contrast=True,
        width="100%",
    )


def _table(headers: list[str]) -> rx.Component:
    return admin_table(
        headers,
        S.rows,
        _row,
        # A scrolling region without buttons must be reachable by keyboard (axe).
        tab_index=0,
        role="region",
        aria_label="Audit trail table",
    )
