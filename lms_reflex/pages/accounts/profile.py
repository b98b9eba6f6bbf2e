"""The own-profile page (details and photo) and the public instructor page."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.course_card import course_grid
from lms_reflex.components.forms import (
    NATIVE_SELECT_STYLE,
    field_error,
    invalid_props,
    labeled_input,
    loading,
    submit_button,
)
from lms_reflex.components.picture_upload import PictureUpload, picture_upload_controls
from lms_reflex.components.shell import app_shell
from lms_reflex.services.accounts.profiles import (
    AVATAR_MAX_BYTES,
    BIO_MAX_LENGTH,
    BIRTH,
    GENDERS,
)
from lms_reflex.state.accounts.profile import AVATAR_UPLOAD_ID, InstructorState, ProfileState

P = ProfileState
I = InstructorState  # noqa: E741
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}
GENDER_LABELS = {"": "Not given"}
AVATAR_UPLOAD = PictureUpload(
    AVATAR_UPLOAD_ID, "Choose a photo", "or drop one here. JPEG, PNG or WEBP, up to 5 MB.",
    "Upload photo", "Photo upload progress", AVATAR_MAX_BYTES, status_line=True,
)  # fmt: skip


def _error(name: str) -> rx.Var[str]:
    return P.field_errors.get(name, "")


def _labeled(label: str, name: str, control: rx.Component, hint: str = "") -> rx.Component:
    """A visible label bound by id to a control that labeled_input does not cover."""
    return rx.vstack(
        rx.el.label(label, html_for=f"field-{name}", style=LABEL_STYLE),
        control,
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        field_error(f"field-{name}", _error(name)),
        spacing="1",
        width="100%",
        align="start",
    )


def _gender_select() -> rx.Component:
    """A native <select>: it binds to <label for> and allows the empty 'not given' value."""
    options = [rx.el.option(GENDER_LABELS.get(g, g.capitalize()), value=g) for g in GENDERS]
    return _labeled(
        "Gender",
        "gender",
        rx.el.select(
            *options,
            id="field-gender",
            name="gender",
            default_value=P.gender,
            style=NATIVE_SELECT_STYLE,
            **invalid_props("field-gender", _error("gender")),
        ),
    )


def _bio_area() -> rx.Component:
    return _labeled(
        "About you",
        "bio",
        rx.text_area(
            id="field-bio",
            name="bio",
            default_value=P.bio,
            max_length=BIO_MAX_LENGTH,
            rows="6",
            width="100%",
            resize="vertical",
            **invalid_props("field-bio", _error("bio")),
        ),
        hint=f"Shown on your instructor page if you teach. Up to {BIO_MAX_LENGTH} characters.",
    )


def _details_form() -> rx.Component:
    """The details form; uncontrolled inputs, mounted once the values are loaded."""
    names = rx.flex(
        labeled_input("First name", "first_name", autocomplete="given-name", max_length=80,
                      default_value=P.first_name, error=_error("first_name")),
        labeled_input("Last name", "last_name", autocomplete="family-name", max_length=80,
                      default_value=P.last_name, error=_error("last_name")),
        spacing="3", width="100%", direction=rx.breakpoints(initial="column", sm="row"),
    )  # fmt: skip
    return rx.form(
        rx.vstack(
            names,
            _bio_area(),
            _gender_select(),
            labeled_input("Date of birth", "date_of_birth", type="date", required=False,
                          autocomplete="bday", max=P.today, default_value=P.date_of_birth,
                          hint="Optional. You must be at least 13.", error=_error(BIRTH)),
            labeled_input("Contact number", "contact_number", type="tel", required=False,
                          autocomplete="tel", max_length=40, default_value=P.contact_number,
                          hint="Optional. Digits, with a leading + for other countries.",
                          error=_error("contact_number")),
            submit_button("Save profile", P.busy),
            spacing="4", width="100%",
        ),
        on_submit=P.save,
        width="100%",
    )  # fmt: skip


def _avatar_preview(url: rx.Var[str], alt: rx.Var[str] | str, size: str) -> rx.Component:
    """The round photo, or a neutral circle with a person icon when there is none."""
    return rx.cond(
        url != "",
        rx.image(src=url, alt=alt, width=size, height=size, border_radius="50%",
                 object_fit="cover"),
        rx.center(rx.icon("user", size=48, aria_hidden=True), width=size, height=size,
                  border_radius="50%", background="var(--accent-a3)"),
    )  # fmt: skip


def _avatar_panel() -> rx.Component:
    """Photo preview, a drop zone with a 'Choose a photo' button, upload and remove."""
    remove = rx.cond(
        P.avatar_url != "",
        rx.button("Remove photo", on_click=P.remove_avatar, variant="outline",
                  color_scheme="red", disabled=P.uploading),
    )  # fmt: skip
    controls = picture_upload_controls(
        AVATAR_UPLOAD, on_upload=P.handle_avatar_upload, on_progress=P.set_upload_progress,
        busy=P.uploading, percent=P.upload_percent, extra_buttons=(remove,),
    )  # fmt: skip
    return rx.vstack(
        rx.heading("Photo", size="5", as_="h2"),
        _avatar_preview(P.avatar_url, "Your profile photo", "8rem"),
        *controls,
        align="center", spacing="3", width="100%", max_width="18rem",
    )  # fmt: skip


def profile_page() -> rx.Component:
    """The signed-in user's own profile: photo and details."""
    return app_shell(
        rx.heading("Your profile", size="8", as_="h1"),
        rx.flex(
            _avatar_panel(),
            rx.cond(P.loaded, _details_form(),
                    loading("Loading your profile")),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="6", width="100%", align="start",
        ),
    )  # fmt: skip


def _instructor_header() -> rx.Component:
    stats = rx.hstack(
        rx.badge(I.course_count.to_string(), rx.cond(I.course_count == 1, " course", " courses"),
                 size="2"),
        rx.badge(I.student_count.to_string(),
                 rx.cond(I.student_count == 1, " student", " students"), size="2"),
        spacing="2",
    )  # fmt: skip
    return rx.flex(
        _avatar_preview(I.avatar_url, "Photo of " + I.full_name, "7rem"),
        rx.vstack(rx.text("Instructor", size="2", color_scheme="gray"),
                  rx.heading(I.full_name, size="8", as_="h1"), stats, spacing="2"),
        direction=rx.breakpoints(initial="column", sm="row"), spacing="5", align="center",
    )  # fmt: skip


def _instructor_body() -> rx.Component:
    return rx.vstack(
        _instructor_header(),
        rx.cond(I.bio != "", rx.text(I.bio, size="3", white_space="pre-wrap")),
        rx.heading("Courses", size="6", as_="h2"),
        rx.cond(I.courses.length() > 0, course_grid(I.courses),
                rx.text("No published courses yet.", color_scheme="gray")),
        spacing="5", width="100%",
    )  # fmt: skip


def instructor_page() -> rx.Component:
    """A teacher's public page: name, photo, bio (as plain text) and published courses."""
    return app_shell(
        rx.cond(
            I.missing,
            rx.vstack(rx.heading("Instructor not found", size="8", as_="h1"),
                      rx.link("Browse all courses", href="/")),
            rx.cond(I.loaded, _instructor_body(),
                    loading("Loading the instructor")),
        ),
    )  # fmt: skip
