"""One pipeline for uploaded pictures: sniff, capped decode, upright, fit, re-encode.

Avatars, course thumbnails (and later certificate logos) all go through `picture_from_upload`,
so each rule is written once (docs/security.md: uploads are attacker-chosen bytes):
- the format is named by the file's first bytes, never by its name or MIME type, and only
  that one Pillow decoder is allowed to open it (no SVG, HTML, GIF or renamed text);
- the pixel count is checked from the header before any pixel is decoded (a decompression
  bomb is refused, not decoded), and JPEGs are decoded at a reduced scale;
- the picture is turned upright by its EXIF orientation, cropped to the box and re-encoded
  from bare pixels, so no EXIF (GPS), ICC, comment or trailing bytes reach the stored file.
These functions block (Pillow work): callers run them in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from lms_reflex.services.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError)  # what Pillow raises on bad bytes


@dataclass(frozen=True)
class PictureSpec:
    """What one kind of picture becomes: the box it is cropped to and its stored format.

    `noun` names it in the sentences users see ("photo", "picture").
    """

    size: tuple[int, int]
    encoding: str  # "WEBP" (keeps transparency) or "JPEG"
    noun: str = "picture"
    max_bytes: int = MAX_BYTES
    max_pixels: int = MAX_PIXELS


def sniff_image(data: bytes) -> str | None:
    """The Pillow format named by the first bytes: 'JPEG', 'PNG', 'WEBP' or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def encode(image: Image.Image, encoding: str) -> bytes:
    """The image's pixels as WEBP or JPEG bytes, with no metadata (info is dropped first)."""
    image.info = {}
    out = io.BytesIO()
    if encoding == "WEBP":
        image.save(out, "WEBP", quality=85, method=4)
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _too_large(spec: PictureSpec) -> InvalidInput:
    return InvalidInput(f"That {spec.noun} is too large. Please use a smaller one.")


def _unreadable(spec: PictureSpec) -> InvalidInput:
    return InvalidInput(f"We could not read that {spec.noun}. Please try another one.")


def _check_upload(data: bytes, spec: PictureSpec) -> str:
    """The sniffed format of an acceptable upload.

    Raises:
        InvalidInput: when empty, over the byte cap, or not a JPEG/PNG/WEBP by its bytes.
    """
    if not data:
        raise InvalidInput(f"Please choose a {spec.noun} to upload.")
    if len(data) > spec.max_bytes:
        mb = spec.max_bytes // (1024 * 1024)
        raise InvalidInput(f"That {spec.noun} is larger than {mb} MB. Please choose a smaller one.")
    fmt = sniff_image(data)
    if fmt is None:
        raise InvalidInput(f"Please upload a JPEG, PNG or WEBP {spec.noun}.")
    return fmt


def _decode(data: bytes, fmt: str, spec: PictureSpec) -> Image.Image:
    """Decode with only the sniffed decoder, refusing too many pixels before decoding.

    Image.MAX_IMAGE_PIXELS is process-wide (and only warns below twice its value), so the
    count is checked here from the header.

    Raises:
        InvalidInput: too many pixels, or not a whole image of that format.
    """
    try:
        img = Image.open(io.BytesIO(data), formats=[fmt])
        if img.width * img.height > spec.max_pixels:
            raise _too_large(spec)
        if fmt == "JPEG":  # decode at a reduced scale: only the box is kept anyway
            img.draft("RGB", (spec.size[0] * 2, spec.size[1] * 2))
        img.load()
    except Image.DecompressionBombError:
        raise _too_large(spec) from None
    except _UNREADABLE:
        raise _unreadable(spec) from None
    return img


def _fit(img: Image.Image, spec: PictureSpec) -> Image.Image:
    """Upright by EXIF orientation, then centre-cropped and resized to the spec's box."""
    img = ImageOps.exif_transpose(img) or img
    alpha = "A" in img.getbands() or "transparency" in img.info
    mode = "RGBA" if alpha and spec.encoding == "WEBP" else "RGB"
    return ImageOps.fit(img.convert(mode), spec.size, Image.Resampling.LANCZOS)


def picture_from_upload(data: bytes, spec: PictureSpec) -> bytes:
    """A clean picture of exactly `spec.size`, encoded as `spec.encoding`, from upload bytes.

    Raises:
        InvalidInput: when the file is empty, too big (bytes or pixels), not a JPEG, PNG
            or WEBP by its bytes, or cannot be decoded; the message is a plain sentence.
    """
    img = _decode(data, _check_upload(data, spec), spec)
    try:
        fitted = _fit(img, spec)
    except _UNREADABLE:
        raise _unreadable(spec) from None
    return encode(fitted, spec.encoding)
