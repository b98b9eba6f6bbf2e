"""The own-profile form with its photo upload, and the public instructor page."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.accounts import profiles
from lms_reflex.services.accounts.profiles import InstructorPage, ProfileView
from lms_reflex.services.errors import NotFound
from lms_reflex.services.validation import parse_id
from lms_reflex.services.views import CourseCard
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.uploads import progress_percent, read_one_upload
from lms_reflex.state.util import error_toast, field, route_param

AVATAR_UPLOAD_ID = "avatar"


PROFILE_FIELDS = ("first_name", "last_name", "bio", "gender", "date_of_birth", "contact_number")


class ProfileState(FieldErrors, rx.State):
    """The signed-in user's own profile. Every handler re-reads who is signed in."""

    first_name: str = ""
    last_name: str = ""
    bio: str = ""
    gender: str = ""
    date_of_birth: str = ""
    contact_number: str = ""
    avatar_url: str = ""
    today: str = ""
    loaded: bool = False
    busy: bool = False
    uploading: bool = False
    upload_percent: int = 0

    def _show(self, view: ProfileView) -> None:
        self.first_name, self.last_name = view.first_name, view.last_name
        self.bio, self.gender = view.bio, view.gender
        self.date_of_birth, self.contact_number = view.date_of_birth, view.contact_number
        self.avatar_url = view.avatar_url

    @rx.event
    async def load(self):
        """Anonymous visitors go to sign in; others get their profile in the form.

        `loaded` drops to False first so the form (uncontrolled inputs with default
        values) is mounted again with fresh values on every visit.
        """
        actor = await current_actor(self)
        if actor is None:
            yield rx.redirect(routes.login_url(routes.PROFILE))
            return
        self.loaded, self.busy, self.uploading, self.upload_percent = False, False, False, 0
        yield
        try:
            view = await call_service(profiles.get_my_profile, readonly=True, actor=actor)
        except Exception as exc:
            yield error_toast(exc)
            return
        self._show(view)
        self.today = datetime.now(UTC).date().isoformat()
        self.loaded = True

    @rx.event
    async def save(self, form: dict):
        """Save the form; only the named fields are read, whatever else the browser sends."""
        self._clear_field_errors()
        self.busy = True
        yield
        try:
            view = await call_service(
                profiles.update_my_profile,
                actor=await current_actor(self),
                first_name=field(form, "first_name", 200),
                last_name=field(form, "last_name", 200),
                bio=field(form, "bio", profiles.BIO_MAX_LENGTH + 200),
                gender=field(form, "gender", 40),
                date_of_birth=field(form, "date_of_birth", 40),
                contact_number=field(form, "contact_number", 80),
            )
        except Exception as exc:
            yield self._refuse(exc, PROFILE_FIELDS)
            return
        finally:
            self.busy = False
        self._show(view)
        yield rx.toast.success("Profile saved.")

    @rx.event
    def set_upload_progress(self, progress: dict):
        """Show how much of the photo has been sent (display only, no data is touched)."""
        self.upload_percent = progress_percent(progress)
        self.uploading = self.upload_percent < 100 or self.uploading

    @rx.event
    async def handle_avatar_upload(self, files: list[rx.UploadFile]):
        """Read at most 5 MB + 1 byte of the one chosen photo and hand it to the service.

        The Pillow work runs in a worker thread through call_service, off the event loop.
        """
        self.uploading = True
        yield
        try:
            data = await read_one_upload(files, max_bytes=profiles.AVATAR_MAX_BYTES, noun="photo")
            self.avatar_url = await call_service(
                profiles.set_my_avatar, actor=await current_actor(self), data=data
            )
            outcome = rx.toast.success("Profile saved.")
        except Exception as exc:
            outcome = error_toast(exc)
        self.uploading, self.upload_percent = False, 0
        yield [rx.clear_selected_files(AVATAR_UPLOAD_ID), outcome]

    @rx.event
    async def remove_avatar(self):
        """Remove the photo (the service checks who asks)."""
        try:
            await call_service(profiles.remove_my_avatar, actor=await current_actor(self))
        except Exception as exc:
            return error_toast(exc)
        self.avatar_url = ""
        return rx.toast.success("Profile saved.")


class InstructorState(rx.State):
    """The public page of one instructor, /instructors/[id]."""

    full_name: str = ""
    bio: str = ""
    avatar_url: str = ""
    course_count: int = 0
    student_count: int = 0
    courses: list[CourseCard] = []
    missing: bool = False
    loaded: bool = False

    def _show(self, page: InstructorPage | None) -> None:
        self.full_name = page.name if page else ""
        self.bio = page.bio if page else ""
        self.avatar_url = page.avatar_url if page else ""
        self.course_count = page.course_count if page else 0
        self.student_count = page.student_count if page else 0
        self.courses = page.courses if page else []
        self.missing, self.loaded = page is None, True

    @rx.event
    async def load(self):
        """Fetch the instructor named in the URL; anything unknown shows 'not found'."""
        self.loaded, self.missing = False, False
        yield
        instructor_id = parse_id(route_param(self, "id").strip())
        if not instructor_id:
            self._show(None)
            return
        try:
            page = await call_service(
                profiles.get_instructor_page, readonly=True, instructor_id=instructor_id
            )
        except NotFound:
            page = None
        self._show(page)
