"""Real, small media made on the spot with PyAV and Pillow, for demo data and tests.

Nothing binary is committed to the repository: videos and thumbnails are generated.
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PIL import Image, ImageChops, ImageDraw, ImageFont

if TYPE_CHECKING:
    import av
    from av.container import InputContainer

Color = tuple[int, int, int]

THUMBNAIL_SIZE = (1280, 720)

# .mp4 is H.264 (what most uploads are); .webm is VP9 for browsers built without H.264.
_ENCODERS: dict[str, tuple[str, str, dict[str, object]]] = {
    ".mp4": ("mp4", "libx264", {"preset": "veryfast", "crf": "30", "profile": "main"}),
    ".webm": ("webm", "libvpx-vp9", {"deadline": "realtime", "cpu-used": "8", "crf": "40"}),
}


def _contrast(color: Color) -> Color:
    """Black or white, whichever reads better on `color`."""
    r, g, b = color
    return (20, 20, 20) if 0.299 * r + 0.587 * g + 0.114 * b > 150 else (250, 250, 250)


def _base_frame(width: int, height: int, color: Color, label: str | None) -> Image.Image:
    image = Image.new("RGB", (width, height), color)
    if label:
        font = ImageFont.load_default(size=max(10, height // 8))
        ImageDraw.Draw(image).text(
            (width // 2, height // 2), label, fill=_contrast(color), font=font, anchor="mm"
        )
    return image


def _frame(base: Image.Image, index: int, total: int) -> Image.Image:
    """The base picture with a bar at a position that moves every frame."""
    image = base.copy()
    width, height = image.size
    bar = max(4, width // 16)
    x = round(index / max(total - 1, 1) * (width + bar)) - bar
    ImageDraw.Draw(image).rectangle(
        (x, 0, x + bar, height - 1), fill=_contrast(cast(Color, base.getpixel((0, 0))))
    )
    return image


def make_test_video(
    path: Path | str,
    *,
    seconds: float = 4,
    width: int = 320,
    height: int = 180,
    fps: int = 24,
    color: Color = (37, 99, 235),
    label: str | None = None,
) -> float:
    """Write a short video: a bar sweeps across a solid colour, so every frame differs.

    H.264 (yuv420p, moov atom first for streaming) for .mp4, VP9 for .webm.

    Returns:
        The duration in seconds, as read back by `probe_video`.

    Raises:
        ValueError: for odd sizes (yuv420p needs even ones) or an unsupported suffix.
    """
    import av  # on first use: PyAV is about 20 MiB of an idle worker (probe_video)

    path = Path(path)
    container_format, codec, options = _encoder_for(path)
    if width % 2 or height % 2 or width <= 0 or height <= 0:
        raise ValueError("width and height must be positive even numbers")
    total = max(1, round(seconds * fps))
    base = _base_frame(width, height, color, label)
    movflags = {"movflags": "+faststart"} if container_format == "mp4" else {}
    with av.open(str(path), mode="w", format=container_format, options=movflags) as out:
        stream = cast("av.VideoStream", out.add_stream(codec, rate=fps))  # codec is a video one
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = options
        for index in range(total):
            frame = av.VideoFrame.from_image(_frame(base, index, total))
            frame.pts, frame.time_base = index, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return probe_video(path)


def _encoder_for(path: Path) -> tuple[str, str, dict[str, object]]:
    try:
        return _ENCODERS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"cannot make a {path.suffix!r} video; use .mp4 or .webm") from None


def probe_video(path: Path | str) -> float:
    """Open a file as a video, decode its first frame and return its duration in seconds.

    Decoding one frame proves the file is a real video without reading all of a big one.

    Raises:
        ValueError: when the file is not a video that decodes, or has no duration.
    """
    # Imported on first use: only uploads and the demo seed read videos, and PyAV is about
    # 20 MiB of an idle worker's memory (benchmarks/README.md, "Issue 22 targets").
    import av
    from av.error import FFmpegError

    try:
        with av.open(str(path)) as container:
            if not container.streams.video or _is_still_image(container.format.name):
                raise ValueError("the file has no video track")
            stream = container.streams.video[0]
            next(container.decode(stream))
            duration = _duration(container, stream)
    except (FFmpegError, StopIteration, UnicodeDecodeError) as exc:
        raise ValueError("the file is not a video we can play") from exc
    if duration <= 0:
        raise ValueError("the video has no duration")
    return duration


def _is_still_image(format_name: str) -> bool:
    """FFmpeg opens a lone JPEG or PNG as a one-frame "video"; that is not a lesson."""
    return format_name.endswith("_pipe") or format_name in ("image2", "gif", "apng")


def _duration(container: InputContainer, stream: av.VideoStream) -> float:
    from av import time_base

    if container.duration is not None:
        return container.duration / time_base
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return 0.0


_SMALL_WORDS = {"a", "an", "and", "for", "from", "in", "of", "on", "the", "to", "with"}


def _initials(title: str) -> str:
    """Two capitals from the title's main words ("Git and GitHub Essentials" -> "GG")."""
    words = [w for w in title.split() if w[:1].isalnum() and w.lower() not in _SMALL_WORDS]
    return "".join(w[0] for w in words[:2]).upper() or "?"


_HALF = [level // 2 for level in range(256)]  # a lookup table: each grey level halved


def _gradient(color: Color) -> Image.Image:
    """A diagonal blend from `color` (top left) to a deeper shade (bottom right)."""
    deep = (int(color[0] * 0.45), int(color[1] * 0.35), min(255, int(color[2] * 0.6) + 40))
    square = Image.linear_gradient("L")
    down = square.resize(THUMBNAIL_SIZE).point(_HALF)
    across = square.rotate(90)  # the dark top row becomes the left column
    mask = ImageChops.add(down, across.resize(THUMBNAIL_SIZE).point(_HALF))
    solid, dark = Image.new("RGB", THUMBNAIL_SIZE, color), Image.new("RGB", THUMBNAIL_SIZE, deep)
    return Image.composite(dark, solid, mask)


def make_thumbnail(path: Path | str, *, title: str, color: Color) -> None:
    """Write a 1280x720 (16:9) JPEG that looks like course art: a gradient, rings, initials.

    Deterministic: the same title and colour always give the same picture (demo data and
    screenshots stay stable).
    """
    width, height = THUMBNAIL_SIZE
    image = _gradient(color)
    overlay = Image.new("RGBA", THUMBNAIL_SIZE, (0, 0, 0, 0))
    rings = ImageDraw.Draw(overlay)
    for radius, alpha in ((520, 28), (380, 36), (240, 44)):
        box = (width - 180 - radius, -120 - radius, width - 180 + radius, -120 + radius)
        rings.ellipse(box, outline=(255, 255, 255, alpha), width=36)
    rings.rounded_rectangle((80, 80, 260, 260), radius=36, fill=(255, 255, 255, 54))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.text(
        (170, 170),
        _initials(title),
        fill="white",
        font=ImageFont.load_default(size=96),
        anchor="mm",
    )
    text = "\n".join(textwrap.wrap(title, width=26)[:3])
    draw.multiline_text(
        (80, height - 90),
        text,
        fill="white",
        font=ImageFont.load_default(size=76),
        anchor="ld",
        spacing=18,
        stroke_width=2,
        stroke_fill=tuple(int(c * 0.4) for c in color),
    )
    image.save(path, format="JPEG", quality=85, optimize=True)
