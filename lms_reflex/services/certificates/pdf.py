"""The certificate as a printable PDF: A4 landscape, drawn with fpdf2, QR code by segno.

The font is DejaVu Sans, shipped in assets/fonts (its licence is next to it), so Latin
with diacritics, Greek and Cyrillic names print on any machine. A character the font lacks
(Chinese, say) is printed as an empty box; the document is still made and the gap is
logged, so an operator can add a font (issue 18).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

_log = logging.getLogger(__name__)
FONT_DIR = Path(__file__).resolve().parents[3] / "assets" / "fonts"
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
INK, MUTED, ACCENT = (20, 20, 40), (90, 90, 110), (55, 48, 163)  # indigo, as the site
WIDTH, HEIGHT, MARGIN = 297.0, 210.0, 18.0


@dataclass(frozen=True)
class PrintedFacts:
    """What the PDF shows; snapshots from the certificate row plus the site's own name."""

    site_name: str
    holder_name: str
    course_title: str
    instructor_name: str
    hours_label: str
    date_label: str
    code: str  # grouped for people
    verify_url: str


@cache
def _font_chars() -> frozenset[int]:
    """The code points the regular font has glyphs for (read once per process)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(REGULAR), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def missing_characters(text: str) -> str:
    """The characters of `text` the font cannot draw (spaces and controls excepted)."""
    have = _font_chars()
    return "".join(sorted({ch for ch in text if ord(ch) > 0x20 and ord(ch) not in have}))


def _log_missing(facts: PrintedFacts) -> None:
    text = facts.holder_name + facts.course_title + facts.instructor_name + facts.site_name
    missing = missing_characters(text)
    if missing:
        _log.warning(
            "certificate %s: the font has no glyph for %d character(s): %s",
            facts.code,
            len(missing),
            " ".join(f"U+{ord(ch):04X}" for ch in missing),
        )


def _fit(pdf: FPDF, text: str, *, size: float, smallest: float, width: float) -> None:
    """Shrink the font until one line of `text` fits `width` (or `smallest` is reached)."""
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font_size(size)


def _line(pdf: FPDF, text: str, *, size: float, bold: bool = False, color=INK, gap: float = 0):
    pdf.set_font(FAMILY, "B" if bold else "", size)
    # Shrink a long line a little, then let multi_cell wrap it: small print is hard to read.
    _fit(pdf, text, size=size, smallest=max(10.0, size * 0.7), width=WIDTH - 2 * MARGIN - 10)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, pdf.font_size * 1.35, text, align="C", new_x="LMARGIN", new_y="NEXT")
    if gap:
        pdf.ln(gap)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, WIDTH - 22, HEIGHT - 22)


def _body(pdf: FPDF, facts: PrintedFacts) -> None:
    pdf.set_y(24)
    _line(pdf, facts.site_name, size=14, color=ACCENT, gap=6)
    _line(pdf, "Certificate of completion", size=30, bold=True, gap=8)
    _line(pdf, "This certifies that", size=13, color=MUTED, gap=2)
    _line(pdf, facts.holder_name, size=28, bold=True, gap=4)
    _line(pdf, "has completed the course", size=13, color=MUTED, gap=2)
    _line(pdf, facts.course_title, size=20, bold=True, gap=4)
    taught = f"taught by {facts.instructor_name}" if facts.instructor_name else ""
    details = " · ".join(part for part in (taught, f"{facts.hours_label} of video") if part)
    _line(pdf, details, size=12, color=MUTED)
    _line(pdf, f"Issued on {facts.date_label}", size=12, color=MUTED)


def _footer(pdf: FPDF, facts: PrintedFacts) -> None:
    import segno

    qr_size = 34.0
    qr = io.BytesIO()
    segno.make(facts.verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    pdf.image(qr, x=WIDTH - MARGIN - qr_size, y=HEIGHT - MARGIN - qr_size, w=qr_size)
    pdf.set_xy(MARGIN + 4, HEIGHT - MARGIN - 16)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 6, f"Certificate code: {facts.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN + 4)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, f"Check it at {facts.verify_url}", new_x="LMARGIN", new_y="NEXT")


def render_pdf(facts: PrintedFacts) -> bytes:
    """The certificate's PDF bytes. Never raises for a name the font cannot draw."""
    # Imported on first use: an idle worker never draws a PDF, and fpdf2 with fontTools is
    # about 27 MiB of its memory (benchmarks/README.md, "Issue 22 targets").
    from fpdf import FPDF

    _log_missing(facts)
    pdf = FPDF(orientation="landscape", format="A4", unit="mm")
    pdf.set_title(f"Certificate {facts.code}")
    pdf.set_author(facts.site_name)
    pdf.set_creator(facts.site_name)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FAMILY, "", str(REGULAR))
    pdf.add_font(FAMILY, "B", str(BOLD))
    pdf.add_page()
    _frame(pdf)
    _body(pdf, facts)
    _footer(pdf, facts)
    return bytes(pdf.output())
