"""The captions part of the lesson editor: current tracks, upload per language, delete."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import field_error, invalid_props
from lms_reflex.components.picture_upload import chosen_file, name_file_input, upload_progress
from lms_reflex.services.teaching.captions import CAPTION_LANGUAGES, EditorCaption
from lms_reflex.state.teaching.captions import CAPTION_UPLOAD_ID, CaptionsEditorState

C = CaptionsEditorState
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}
ACCEPTED = {"text/vtt": [".vtt"], "application/x-subrip": [".srt"], "text/plain": [".srt"]}
FILE_ID = "field-caption_file"
LANGUAGE_ID = "field-caption_language"


def _track(track: rx.Var[EditorCaption]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(track.label, " (", track.language, ")", weight="medium", size="2"),
            rx.text(track.cue_count.to_string(), " captions", size="2", color_scheme="gray"),
            rx.spacer(),
            rx.button("Delete", aria_label="Delete captions " + track.label, size="1",
                      variant="soft", color_scheme="red", on_click=C.ask_delete(track.language)),
            align="center", spacing="3", width="100%",
        ),
        style={"list_style": "none", "margin_bottom": "0.5rem"},
    )  # fmt: skip


def _language_picker() -> rx.Component:
    error = C.field_errors.get("caption_language", "")
    return rx.vstack(
        rx.el.label("Caption language", html_for=LANGUAGE_ID, style=LABEL_STYLE),
        rx.el.select(
            *[rx.el.option(label, value=code, lang=code) for code, label in CAPTION_LANGUAGES],
            id=LANGUAGE_ID, value=C.language, on_change=C.set_language,
            style={"padding": "0.4rem", "width": "100%"}, **invalid_props(LANGUAGE_ID, error),
        ),
        field_error(LANGUAGE_ID, error),
        spacing="1", width="100%",
    )  # fmt: skip


def _file_picker() -> rx.Component:
    error = C.field_errors.get("caption_file", "")
    zone = rx.upload.root(
        rx.vstack(
            rx.button("Choose caption file", type="button", variant="soft", id=FILE_ID,
                      **invalid_props(FILE_ID, error)),
            rx.text("WebVTT (.vtt) or SubRip (.srt), UTF-8, up to 512 KB.", size="1",
                    color_scheme="gray"),
            align="center", spacing="2",
        ),
        id=CAPTION_UPLOAD_ID, accept=ACCEPTED, max_files=1, multiple=False,
        disabled=C.uploading, border="1px dashed var(--gray-a8)",
        border_radius="var(--radius-3)", padding="0.75rem", width="100%",
    )  # fmt: skip
    name_file_input(zone, "Caption file")
    return rx.vstack(zone, chosen_file(CAPTION_UPLOAD_ID), field_error(FILE_ID, error),
                     spacing="1", width="100%")  # fmt: skip


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        title=rx.fragment("Delete the captions in ", C.delete_label, "?"),
        description="Students will no longer be able to turn these captions on. "
        "You can upload them again later.",
        confirm_label="Delete captions",
        on_confirm=C.confirm_delete,
        open=C.delete_open,
        on_open_change=C.set_delete_open,
    )


def captions_part() -> rx.Component:
    """Captions of the lesson open in the editor: one file per language."""
    upload = C.upload_captions(
        rx.upload_files(upload_id=CAPTION_UPLOAD_ID, on_upload_progress=C.set_upload_progress)
    )
    return rx.vstack(
        rx.heading("Captions", as_="h3", size="3"),
        rx.cond(
            C.tracks.length() > 0,
            rx.el.ul(rx.foreach(C.tracks, _track), aria_label="Caption tracks",
                     style={"padding": 0, "margin": 0, "width": "100%"}),
            rx.text("No captions yet.", size="2"),
        ),
        _language_picker(),
        _file_picker(),
        upload_progress(C.uploading, C.upload_percent, "Caption upload progress"),
        rx.text("A new file for a language replaces the one it has. Styling and positions "
                "are dropped; bold, italic and underline are kept.", size="1",
                color_scheme="gray"),
        rx.button("Upload captions", on_click=upload, loading=C.uploading,
                  disabled=rx.selected_files(CAPTION_UPLOAD_ID).length() == 0),
        _delete_dialog(),
        spacing="3", width="100%", align="start", on_mount=C.load,
    )  # fmt: skip
