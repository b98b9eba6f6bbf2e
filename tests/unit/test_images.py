"""The one picture pipeline (media/images.py) used by avatars and course thumbnails."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from lms_reflex.media import images
from lms_reflex.services.accounts.profiles import AVATAR
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.teaching.course_media import THUMBNAIL

SPECS = [pytest.param(AVATAR, id="avatar"), pytest.param(THUMBNAIL, id="thumbnail")]
RED, BLUE = (255, 0, 0), (0, 0, 255)


def _image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else 0).save(out, fmt, **save)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height; its few real bytes decode to nothing."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _jpeg_with_gps_and_orientation(orientation: int = 1) -> bytes:
    """A 200x100 JPEG, red left half and blue right half, carrying GPS and an orientation."""
    img = Image.new("RGB", (200, 100), BLUE)
    img.paste(RED, (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 1.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_become_the_spec_size_and_format(spec, fmt: str) -> None:
    out = _open(images.picture_from_upload(_image_bytes(fmt), spec))
    assert (out.format, out.size) == (spec.encoding, spec.size)


def test_a_transparent_png_keeps_its_alpha_only_in_webp() -> None:
    data = _image_bytes("PNG", mode="RGBA")
    assert _open(images.picture_from_upload(data, AVATAR)).mode == "RGBA"
    assert _open(images.picture_from_upload(data, THUMBNAIL)).mode == "RGB"


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', id="svg"),
        pytest.param(b"<!doctype html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"just some text renamed to photo.jpg", id="renamed-text"),
        pytest.param(_image_bytes("GIF"), id="gif"),
        pytest.param(_image_bytes("BMP"), id="bmp"),
        pytest.param(_image_bytes("JPEG")[:200], id="truncated-jpeg"),
        pytest.param(_image_bytes("PNG")[:60], id="truncated-png"),
        pytest.param(b"\xff\xd8\xff" + b"\x00" * 50, id="jpeg-magic-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), id="over-5-mb"),
    ],
)
def test_anything_else_is_refused_with_a_sentence(spec, data: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        images.picture_from_upload(data, spec)
    assert refused.value.message.endswith(".")
    assert "Traceback" not in refused.value.message


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("side", [7_000, 100_000], ids=["over-our-cap", "pillow-bomb"])
def test_huge_dimensions_are_refused_as_too_large_before_decoding(spec, side: int) -> None:
    with pytest.raises(InvalidInput, match="too large"):
        images.picture_from_upload(_png_claiming(side, side), spec)


@pytest.mark.parametrize("spec", SPECS)
def test_exif_and_gps_are_gone_from_the_output(spec) -> None:
    out = images.picture_from_upload(_jpeg_with_gps_and_orientation(), spec)
    assert b"Exif" not in out
    assert b"SecretCam" not in out
    assert not _open(out).getexif()


@pytest.mark.parametrize("spec", SPECS)
def test_the_exif_orientation_is_applied(spec) -> None:
    """Orientation 6 shows the picture turned 90 degrees clockwise: red ends up on top."""
    out = _open(images.picture_from_upload(_jpeg_with_gps_and_orientation(6), spec)).convert("RGB")
    width, height = out.size
    top, bottom = out.getpixel((width // 2, 5)), out.getpixel((width // 2, height - 5))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_posters_and_other_encodes_carry_no_metadata() -> None:
    img = _open(_jpeg_with_gps_and_orientation())
    assert b"Exif" not in images.encode(img, "JPEG")
