"""The Reflex app: theme, every route, and our Starlette routes in front of Reflex's."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from lms_reflex import routes
from lms_reflex.api import build_api
from lms_reflex.api.media_first import serve_media_first
from lms_reflex.api.security_headers import add_security_headers
from lms_reflex.api.share_meta import add_share_meta
from lms_reflex.api.static_cache import cache_hashed_assets
from lms_reflex.api.temp_cleanup import sweep_temp_uploads
from lms_reflex.api.upload_limit import limit_upload_size
from lms_reflex.api.worker_header import tag_worker
from lms_reflex.gc_tuning import tune_gc
from lms_reflex.logging_setup import configure_logging
from lms_reflex.pages.accounts.auth import (
    forgot_password_page,
    login_page,
    reset_password_page,
    signup_page,
    verify_page,
)
from lms_reflex.pages.accounts.profile import instructor_page, profile_page
from lms_reflex.pages.accounts.settings import settings_page
from lms_reflex.pages.admin.audit import admin_audit_page
from lms_reflex.pages.admin.catalog import admin_categories_page, admin_courses_page
from lms_reflex.pages.admin.certificates import admin_certificates_page
from lms_reflex.pages.admin.overview import admin_overview_page
from lms_reflex.pages.admin.users import admin_users_page
from lms_reflex.pages.catalog.course import course_page
from lms_reflex.pages.catalog.listings import category_page, home_page
from lms_reflex.pages.catalog.search import search_page
from lms_reflex.pages.certificates.verify import certificate_page
from lms_reflex.pages.errors import not_found_page
from lms_reflex.pages.learning.announcements import opt_out_page
from lms_reflex.pages.learning.dashboard import dashboard_page
from lms_reflex.pages.learning.player import player_page, resume_page
from lms_reflex.pages.payments.admin_orders import admin_orders_page
from lms_reflex.pages.payments.coupons import coupons_page
from lms_reflex.pages.payments.shop import cart_page, order_page, purchases_page, wishlist_page
from lms_reflex.pages.teaching.analytics import analytics_page
from lms_reflex.pages.teaching.announcements import announcements_page
from lms_reflex.pages.teaching.curriculum import curriculum_page
from lms_reflex.pages.teaching.quiz_editor import quiz_editor_page
from lms_reflex.pages.teaching.teach import publish_page, teach_page
from lms_reflex.pages.teaching.teach_details import course_details_page
from lms_reflex.settings import get_settings
from lms_reflex.state.accounts.auth import LoginState, PasswordResetState, VerifyState
from lms_reflex.state.accounts.profile import InstructorState, ProfileState
from lms_reflex.state.accounts.settings import SettingsState
from lms_reflex.state.admin.audit import AdminAuditState
from lms_reflex.state.admin.catalog import AdminCategoriesState, AdminCoursesState
from lms_reflex.state.admin.certificates import AdminCertificatesState
from lms_reflex.state.admin.overview import AdminOverviewState
from lms_reflex.state.admin.users import AdminUsersState
from lms_reflex.state.catalog.course import CourseState
from lms_reflex.state.catalog.listings import CategoryState, HomeState
from lms_reflex.state.catalog.search import SearchState
from lms_reflex.state.certificates.verify import CertificateState
from lms_reflex.state.lazy_tree import use_lazy_tree
from lms_reflex.state.learning.announcements import OptOutState
from lms_reflex.state.learning.dashboard import DashboardState
from lms_reflex.state.learning.player import PlayerState, ResumeState
from lms_reflex.state.learning.questions import sweep_question_digests
from lms_reflex.state.payments.admin_orders import AdminOrdersState
from lms_reflex.state.payments.cart import CartState
from lms_reflex.state.payments.coupons import CouponsState
from lms_reflex.state.payments.orders import OrderState, PurchasesState, WishlistState
from lms_reflex.state.session import SessionState
from lms_reflex.state.tab_owner import TabOwnerMiddleware
from lms_reflex.state.teaching.analytics import AnalyticsState
from lms_reflex.state.teaching.announcements import AnnouncementsEditorState
from lms_reflex.state.teaching.curriculum import CurriculumState
from lms_reflex.state.teaching.quiz_editor import QuizEditorState
from lms_reflex.state.teaching.teach import PublishState, TeachState
from lms_reflex.state.teaching.teach_details import CourseEditorState

configure_logging()
tune_gc()

app = rx.App(
    html_lang="en",
    # Our routes first, then the upload cap so it also guards Reflex's /_upload, then the
    # security headers (also on the built pages and on refusals), the worker tag so every
    # answer says which worker gave it; outermost, media Range requests skip all of those
    # but the headers and the tag (api/media_first.py).
    api_transformer=[
        build_api(),
        limit_upload_size,
        add_share_meta,  # course pages' Open Graph tags, written before the headers are added
        cache_hashed_assets,  # the build's /assets/ files are content-hashed: kept a year
        add_security_headers,
        tag_worker,
        serve_media_first,
    ],
    # Focus rings and the skip link (components/shell.py).
    stylesheets=["/app.css"],
    # Plain toasts: sonner's rich colours put red text on pink below WCAG AA contrast.
    # Bottom-right, so a toast never covers the header's search, menu or sign-out.
    toaster=rx.toast.provider(position="bottom-right", close_button=True, rich_colors=False),
)
# A tab's state is reset when its session changes (sign-out, sign-in, expiry).
app.add_middleware(TabOwnerMiddleware())
# One worker keeps only the states a tab's pages filled (state/lazy_tree.py).
use_lazy_tree(app)

# Partial uploads left by a crash are swept at every start, then every few minutes.
app.register_lifespan_task(sweep_temp_uploads)
# Digests of lesson questions whose worker restarted before they were due.
app.register_lifespan_task(sweep_question_digests)

SITE = get_settings().site_name


def page(
    route: str,
    component: Callable[[], rx.Component],
    title: str | rx.Var[str],
    *loads,
    top_bar_in_load: bool = False,
    meta: list[dict[str, str]] | None = None,
) -> None:
    """Every page reloads the top bar (who is signed in, the categories) and then its own data.

    With `top_bar_in_load` the page's first load refreshes the top bar itself
    (`state.session.with_top_bar`), one event fewer per view on the busiest pages.
    """
    app.add_page(
        component,
        route=route,
        # A state var in the title follows the loaded data ("Git and GitHub Essentials · Site").
        title=f"{title} · {SITE}",
        on_load=list(loads) if top_bar_in_load else [SessionState.load, *loads],
        meta=meta or [],
    )


page(routes.HOME, home_page, "Courses", HomeState.load, top_bar_in_load=True)
page(routes.COURSE, course_page, CourseState.page_title, CourseState.load, top_bar_in_load=True)
page(routes.CATEGORY, category_page, "Category", CategoryState.load)
page(routes.SEARCH, search_page, "Search", SearchState.load, top_bar_in_load=True)
page(routes.SIGNUP, signup_page, "Sign up")
page(routes.VERIFY, verify_page, "Verify your email", VerifyState.load)
page(routes.LOGIN, login_page, "Sign in", LoginState.load)
page(routes.FORGOT, forgot_password_page, "Forgot password", PasswordResetState.load)
page(routes.RESET, reset_password_page, "Reset password", PasswordResetState.load)
page(routes.DASHBOARD, dashboard_page, "My learning", DashboardState.load)
page(routes.MY_COURSES, dashboard_page, "My courses", DashboardState.load)
page(routes.SETTINGS, settings_page, "Settings", SettingsState.load)
page(routes.PROFILE, profile_page, "Your profile", ProfileState.load)
page(routes.LEARN, player_page, PlayerState.page_title, PlayerState.load, top_bar_in_load=True)
page(routes.RESUME, resume_page, "Continue learning", ResumeState.load)
page(routes.INSTRUCTOR, instructor_page, "Instructor", InstructorState.load)
page(routes.TEACH, teach_page, "Teaching", TeachState.load)
page(routes.COURSE_EDIT, course_details_page, "Course details", CourseEditorState.load)
page(routes.COURSE_PUBLISH, publish_page, "Publish course", PublishState.load)
page(routes.COURSE_CURRICULUM, curriculum_page, "Curriculum", CurriculumState.load)
page(routes.QUIZ_EDIT, quiz_editor_page, "Quiz", QuizEditorState.load)
page(routes.COURSE_ANALYTICS, analytics_page, "Course analytics", AnalyticsState.load)
page(routes.ADMIN, admin_overview_page, "Admin", AdminOverviewState.load)
page(routes.ADMIN_USERS, admin_users_page, "Users", AdminUsersState.load)
page(routes.ADMIN_CATEGORIES, admin_categories_page, "Categories", AdminCategoriesState.load)
page(routes.ADMIN_COURSES, admin_courses_page, "Courses and reviews", AdminCoursesState.load)
page(routes.ADMIN_AUDIT, admin_audit_page, "Audit trail", AdminAuditState.load)
page(routes.CART, cart_page, "Your cart", CartState.load)
page(routes.WISHLIST, wishlist_page, "Wishlist", WishlistState.load)
page(routes.ORDER, order_page, "Order", OrderState.load)
page(routes.PURCHASES, purchases_page, "My purchases", PurchasesState.load)
page(routes.COUPONS, coupons_page, "Coupons", CouponsState.load)
page(routes.ADMIN_ORDERS, admin_orders_page, "Orders", AdminOrdersState.load)
page(
    routes.ADMIN_CERTIFICATES,
    admin_certificates_page,
    "Certificates",
    AdminCertificatesState.load,
)
page(
    routes.CERTIFICATE,
    certificate_page,
    "Certificate",
    CertificateState.load,
    # A shared link previews as a certificate of this site (the page itself is public).
    meta=[
        {"property": "og:type", "content": "website"},
        {"property": "og:site_name", "content": SITE},
        {"property": "og:title", "content": f"Certificate of completion · {SITE}"},
        {"property": "og:description", "content": f"Check a certificate issued by {SITE}."},
    ],
)
# Course announcements (issue 21): the builder's tab, and the opt-out page mailed to students.
page(
    routes.COURSE_ANNOUNCEMENTS, announcements_page, "Announcements", AnnouncementsEditorState.load
)
page(routes.ANNOUNCEMENT_OPT_OUT, opt_out_page, "Announcement mails", OptOutState.load)
page("404", not_found_page, "Page not found")
