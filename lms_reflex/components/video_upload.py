"""The lesson video uploader: a local JSX component streaming with XMLHttpRequest.

Reflex's own upload goes through /_upload (no access control there); this one posts the
raw file to /api/uploads/lessons/<id>/video, shows real progress and can be cancelled.
"""

from __future__ import annotations

import reflex as rx

_JSX = rx.asset("video_upload.jsx", shared=True).importable_path


def _message_event(message: rx.Var[str]) -> tuple[rx.Var[str]]:
    return (message,)


class VideoUpload(rx.Component):
    """File input, progress bar (role=progressbar), percent text, Cancel, Processing state."""

    library = _JSX
    tag = "VideoUpload"
    upload_url: rx.Var[str]
    input_id: rx.Var[str]
    label: rx.Var[str]
    on_done: rx.EventHandler[rx.event.no_args_event_spec]
    on_error: rx.EventHandler[_message_event]


video_upload = VideoUpload.create


def lesson_video_url(lesson_id: rx.Var[int]) -> rx.Var[str]:
    """Where the browser posts a lesson's video (see lms_reflex/api/uploads.py)."""
    return "/api/uploads/lessons/" + lesson_id.to_string() + "/video"
