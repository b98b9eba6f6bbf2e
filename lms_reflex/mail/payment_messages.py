"""Mails about money: the receipt (with its PDF) and the refund notice."""

from __future__ import annotations

from collections.abc import Sequence

from lms_reflex import routes
from lms_reflex.mail.admin_messages import mail_of
from lms_reflex.mail.message import Mail, site_name
from lms_reflex.settings import get_settings


def receipt_mail(email: str, reference: str, lines: Sequence[str], total: str, pdf: bytes) -> Mail:
    """The buyer's receipt: one line per course, the total, and the PDF attached."""
    link = f"{get_settings().base_url}{routes.DASHBOARD}"
    paragraphs = [
        f"Thank you for your purchase on {site_name()}.",
        f"Order {reference}:",
        *lines,
        f"Total paid: {total}",
        "Your courses are on your dashboard:",
    ]
    mail = mail_of(email, f"Your receipt for order {reference}", paragraphs, link)
    attachment = (f"receipt-{reference}.pdf", "application/pdf", pdf)
    return Mail(mail.to, mail.subject, mail.text, mail.html, (attachment,))


def refund_mail(email: str, reference: str, titles: Sequence[str], amount: str) -> Mail:
    """Tell the buyer what was refunded and that those courses are closed to them now."""
    paragraphs = [
        f"We refunded {amount} of order {reference}.",
        "These courses are no longer in your library:",
        *titles,
        "Card refunds usually reach your account within 5 to 10 days.",
    ]
    return mail_of(email, f"Refund for order {reference}", paragraphs)
