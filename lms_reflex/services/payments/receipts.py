"""The PDF receipt: who sold what to whom, for how much (LMS_LEGAL_NAME, LMS_LEGAL_ADDRESS)."""

from __future__ import annotations

from collections.abc import Sequence

from lms_reflex.services import formatting as fmt
from lms_reflex.settings import get_settings


def _latin1(text: str) -> str:
    """The core PDF fonts are Latin-1; anything else becomes '?' rather than failing."""
    return text.encode("latin-1", "replace").decode("latin-1")


def receipt_pdf(
    *,
    reference: str,
    buyer: str,
    paid_at: str,
    lines: Sequence[tuple[str, str]],
    total: str,
) -> bytes:
    """A one-page receipt; `lines` are (course title, amount label)."""
    from fpdf import FPDF  # on first use, as services/certificates/pdf.py explains

    settings = get_settings()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(f"Receipt {reference}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for text in (settings.legal_name, *settings.legal_address.splitlines()):
        pdf.cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 6, _latin1(f"Billed to: {buyer}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _latin1(f"Paid on: {paid_at}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for title, amount in lines:
        pdf.cell(150, 7, _latin1(title[:80]))
        pdf.cell(0, 7, _latin1(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(150, 8, "Total")
    pdf.cell(0, 8, _latin1(total), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def money(amount_minor: int, currency: str) -> str:
    """An order amount in its own currency (orders keep the currency they were made in)."""
    return fmt.money_label(amount_minor, currency)
