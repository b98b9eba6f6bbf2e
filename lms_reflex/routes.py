"""Route patterns and URL builders, so no page hard-codes another page's path."""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

HOME = "/"
COURSE = "/courses/[slug]"
CATEGORY = "/categories/[slug]"
SEARCH = "/search"
INSTRUCTOR = "/instructors/[id]"
LEARN = "/learn/[course_slug]/[lesson]"
RESUME = "/learn/[course_slug]"


def course_url(slug: str) -> str:
    """Link to a course page."""
    return f"/courses/{quote(slug)}"


def category_url(slug: str) -> str:
    """Link to a category page."""
    return f"/categories/{quote(slug)}"


def lesson_url(course_slug: str, lesson_id: int) -> str:
    """Link to a lesson in the player."""
    return f"/learn/{quote(course_slug)}/{int(lesson_id)}"


def resume_url(course_slug: str) -> str:
    """Link that continues a course where the student left off."""
    return f"/learn/{quote(course_slug)}"


def instructor_url(user_id: int) -> str:
    """Link to an instructor's public page."""
    return f"/instructors/{int(user_id)}"


def search_url(query: str, **filters: str | int) -> str:
    """Link to the search results for `query`; empty filters are left out of the URL."""
    params = {"q": query, **{k: v for k, v in filters.items() if v not in ("", None, 1)}}
    return f"{SEARCH}?{urlencode(params)}"


LOGIN = "/login"
SIGNUP = "/signup"
VERIFY = "/verify"
FORGOT = "/forgot-password"
RESET = "/reset-password"
DASHBOARD = "/dashboard"
MY_COURSES = "/dashboard/courses"
SETTINGS = "/settings"
PROFILE = "/profile"


def safe_next(value: str | None, default: str = HOME) -> str:
    r"""A local path to go to after signing in; anything else becomes `default`.

    Refuses other sites (`https://evil`, `//evil`, `/\\evil`), `javascript:` and control
    characters, so a crafted ?next= cannot send people away (docs/security.md case 37).
    """
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 0x20 or ch == "\\" for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def login_url(next_path: str) -> str:
    """The sign-in page that comes back to `next_path` afterwards."""
    return f"{LOGIN}?{urlencode({'next': safe_next(next_path)})}"


# Instructor pages. The route argument is `id`: a state var of that name would shadow it.
TEACH = "/teach"
COURSE_EDIT = "/teach/courses/[id]/edit"
COURSE_CURRICULUM = "/teach/courses/[id]/curriculum"
COURSE_PUBLISH = "/teach/courses/[id]/publish"
COURSE_ANALYTICS = "/teach/courses/[id]/analytics"
QUIZ_EDIT = "/teach/quizzes/[id]"


def course_edit_url(course_id: int) -> str:
    """The builder's details step of a course."""
    return f"/teach/courses/{int(course_id)}/edit"


def quiz_edit_url(lesson_id: int) -> str:
    """The quiz editor of a quiz lesson (issue 21)."""
    return f"/teach/quizzes/{int(lesson_id)}"


def course_curriculum_url(course_id: int) -> str:
    """The builder's sections-and-lessons step of a course."""
    return f"/teach/courses/{int(course_id)}/curriculum"


def course_publish_url(course_id: int) -> str:
    """The builder's publish checklist of a course."""
    return f"/teach/courses/{int(course_id)}/publish"


def course_analytics_url(course_id: int) -> str:
    """How a course does: enrollments, funnel, drop-off, students."""
    return f"/teach/courses/{int(course_id)}/analytics"


# Admin console.
ADMIN = "/admin"
ADMIN_USERS = "/admin/users"
ADMIN_CATEGORIES = "/admin/categories"
ADMIN_COURSES = "/admin/courses"
ADMIN_AUDIT = "/admin/audit"


CART = "/cart"
WISHLIST = "/wishlist"
# The page a buyer lands on after paying (Stripe's success_url) or to read bank details.
ORDER = "/orders/[reference]"
ADMIN_ORDERS = "/admin/orders"
PURCHASES = "/purchases"
COUPONS = "/coupons"
WEBHOOK_STRIPE = "/api/payments/stripe/webhook"


def order_url(reference: str) -> str:
    """Link to one order's status page (its owner only)."""
    return f"/orders/{quote(reference)}"


# Certificates (issue 18). The route argument is `code`: no state var may be named so.
CERTIFICATE = "/certificates/[code]"
ADMIN_CERTIFICATES = "/admin/certificates"


def certificate_url(code: str) -> str:
    """The public verify page of a certificate (canonical code)."""
    return f"/certificates/{quote(code)}"


# Course announcements (issue 21): the builder's tab, and the opt-out page mailed to students.
COURSE_ANNOUNCEMENTS = "/teach/courses/[id]/announcements"
ANNOUNCEMENT_OPT_OUT = "/announcements/opt-out"


def course_announcements_url(course_id: int) -> str:
    """The builder's announcements tab of a course."""
    return f"/teach/courses/{int(course_id)}/announcements"


def announcement_opt_out_url(token: str) -> str:
    """The page that stops (or restarts) one course's announcement mails for one student."""
    return f"{ANNOUNCEMENT_OPT_OUT}?{urlencode({'t': token})}"
