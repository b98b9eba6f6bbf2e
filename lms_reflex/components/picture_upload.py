"""One picture-upload block for every page that takes a picture (avatar, course thumbnail).

The drop zone, the accepted types, the chosen file's name, the progress bar and the upload
button look and behave the same everywhere; the server checks the bytes again
(lms_reflex/media/images.py), so `accept` and `max_size` only spare people a wasted upload.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

ACCEPTED_PICTURES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
}


@dataclass(frozen=True)
class PictureUpload:
    """The words and limits of one picture upload on a page."""

    upload_id: str
    choose_label: str  # the drop zone's button, also the file input's accessible name
    hint: str
    upload_label: str
    progress_label: str
    max_bytes: int
    status_line: bool = False  # 'Uploading n %' under the bar


def name_file_input(component: rx.Component, label: str) -> None:
    """Give rx.upload's hidden <input type=file> an accessible name.

    Reflex builds that input itself and passes no props to it, so screen readers (and axe)
    would meet an unlabelled control; we find it in the tree and label it.
    """
    for child in component.children:
        if getattr(child, "tag", None) == "input":
            child.custom_attrs["aria-label"] = label
        name_file_input(child, label)


def picture_drop_zone(
    upload_id: str, *, choose_label: str, hint: str, max_bytes: int, busy: rx.Var[bool]
) -> rx.Component:
    """A dashed drop zone with a 'Choose ...' button; one JPEG, PNG or WEBP file."""
    zone = rx.upload.root(
        rx.vstack(
            rx.button(choose_label, type="button", variant="soft"),
            rx.text(hint, size="1", color_scheme="gray"),
            align="center", spacing="2",
        ),
        id=upload_id, accept=ACCEPTED_PICTURES, max_files=1, multiple=False,
        max_size=max_bytes, disabled=busy,
        border="1px dashed var(--gray-a8)", border_radius="var(--radius-3)", padding="1rem",
        width="100%",
    )  # fmt: skip
    name_file_input(zone, choose_label)
    return zone


def chosen_file(upload_id: str) -> rx.Component:
    """'Selected: name' under the zone once a file is picked."""
    return rx.foreach(
        rx.selected_files(upload_id), lambda name: rx.text("Selected: ", name, size="2")
    )


def upload_progress(
    busy: rx.Var[bool], percent: rx.Var[int], label: str, *, status: bool = False
) -> rx.Component:
    """The progress bar while a picture is sent, with 'Uploading n %' below when `status`."""
    bar = rx.progress(value=percent, max=100, width="100%", aria_label=label)
    if not status:
        return rx.cond(busy, bar)
    line = rx.text(rx.cond(percent < 100, "Uploading ", "Processing "), percent.to_string(),
                   " %", size="1", role="status")  # fmt: skip
    return rx.cond(busy, rx.vstack(bar, line, width="100%", spacing="1"))


def upload_button(
    text: str, upload_id: str, on_click: rx.event.EventSpec, busy: rx.Var[bool]
) -> rx.Component:
    """Sends the chosen file; disabled until one is chosen."""
    return rx.button(
        text,
        on_click=on_click,
        loading=busy,
        disabled=rx.selected_files(upload_id).length() == 0,
    )


def picture_upload_controls(
    spec: PictureUpload,
    *,
    on_upload: rx.event.EventHandler,
    on_progress: rx.event.EventHandler,
    busy: rx.Var[bool],
    percent: rx.Var[int],
    extra_buttons: tuple[rx.Component, ...] = (),
) -> list[rx.Component]:
    """Drop zone, chosen file, progress and the button row, to put under a preview."""
    upload = on_upload(rx.upload_files(upload_id=spec.upload_id, on_upload_progress=on_progress))
    return [
        picture_drop_zone(spec.upload_id, choose_label=spec.choose_label, hint=spec.hint,
                          max_bytes=spec.max_bytes, busy=busy),
        chosen_file(spec.upload_id),
        upload_progress(busy, percent, spec.progress_label, status=spec.status_line),
        rx.hstack(upload_button(spec.upload_label, spec.upload_id, upload, busy),
                  *extra_buttons, spacing="2", wrap="wrap"),
    ]  # fmt: skip
