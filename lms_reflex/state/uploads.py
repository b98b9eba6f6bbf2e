"""Reading one file from a Reflex upload event, for every picture upload (plain helpers)."""

from __future__ import annotations

import math

import reflex as rx

from lms_reflex.services.errors import InvalidInput


async def read_one_upload(files: list[rx.UploadFile], *, max_bytes: int, noun: str) -> bytes:
    """The bytes of the single uploaded file, never reading more than the cap + 1.

    The handler can be called with any list (docs/security.md), so an empty one, several
    files or an oversized file get a plain sentence naming the `noun` ("photo", "picture");
    the service checks the bytes again.

    Raises:
        InvalidInput: when no file or several files came, or the file is over the cap.
    """
    if not files:
        raise InvalidInput(f"Please choose a {noun} first.")
    if len(files) > 1:
        raise InvalidInput(f"Please upload one {noun} at a time.")
    data = await files[0].read(max_bytes + 1)
    if len(data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise InvalidInput(f"That {noun} is larger than {mb} MB. Please choose a smaller one.")
    return data


def progress_percent(progress: object) -> int:
    """0..100 from the browser's upload-progress event ({"progress": 0.0..1.0}, maybe forged)."""
    value = progress.get("progress", 0) if isinstance(progress, dict) else 0
    finite = isinstance(value, int | float) and math.isfinite(value)
    return max(0, min(100, round(float(value) * 100) if finite else 0))
