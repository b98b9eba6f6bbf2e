"""The mail of a course announcement: the staff's words, the course link, the opt-out link."""

from __future__ import annotations

from html import escape

from lms_reflex.mail.message import Mail, site_name


def announcement_mail(
    *,
    to: str,
    first_name: str,
    course_title: str,
    title: str,
    body_text: str,
    body_html: str,
    course_link: str,
    opt_out_link: str,
) -> Mail:
    """One student's copy of an announcement.

    Args:
        to: The student's address.
        first_name: The student's first name.
        course_title: The course the announcement is about.
        title: The announcement's title (plain text, escaped here).
        body_text: The Markdown as typed, for the text part.
        body_html: The Markdown rendered and sanitised by services/text.py (inserted as is).
        course_link: The absolute address of the course's learning page.
        opt_out_link: The absolute address of the signed opt-out page (no sign-in needed).
    """
    stop = f"You get this because you are enrolled in {course_title} on {site_name()}."
    text = (
        f"Hello {first_name},\n\n{title}\n\n{body_text}\n\n"
        f"Open the course:\n{course_link}\n\n"
        f"{stop} To stop getting its announcements by mail, open:\n{opt_out_link}\n"
    )
    course_href, opt_out_href = escape(course_link, quote=True), escape(opt_out_link, quote=True)
    html = (
        '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">'
        f"<p>Hello {escape(first_name)},</p><h2>{escape(title)}</h2>{body_html}"
        f'<p><a href="{course_href}">Open {escape(course_title)}</a></p>'
        f'<hr><p style="font-size: 0.9em">{escape(stop)} '
        f'<a href="{opt_out_href}">Stop announcement mails for this course</a></p>'
        f"<p>&mdash; {escape(site_name())}</p></body></html>"
    )
    subject = f"{course_title}: {title}"[:150]
    return Mail(to=to, subject=subject, text=text, html=html)
