from __future__ import annotations

from pathlib import Path

import av
import pytest
from PIL import Image

from lms_reflex.media.samples import make_test_video, make_thumbnail, probe_video


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    path = tmp_path_factory.mktemp("samples") / "lesson.mp4"
    duration = make_test_video(path, label="Lesson 1", color=(200, 30, 30))
    return path, duration


def test_generated_video_lasts_about_four_seconds(video: tuple[Path, float]) -> None:
    path, duration = video
    assert duration == pytest.approx(4.0, abs=0.1)
    assert probe_video(path) == pytest.approx(duration)


def test_generated_video_is_h264_with_moving_frames(video: tuple[Path, float]) -> None:
    path, _ = video
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (320, 180)
        frames = [frame.to_image() for frame in container.decode(stream)]
    assert len(frames) == 4 * 24
    assert frames[0].tobytes() != frames[len(frames) // 2].tobytes()


def test_generated_video_puts_the_index_first_for_streaming(video: tuple[Path, float]) -> None:
    data = video[0].read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")


def test_generated_video_decodes_as_yuv420p(video: tuple[Path, float]) -> None:
    with av.open(str(video[0])) as container:
        frame = next(container.decode(video=0))
    assert frame.format.name == "yuv420p"


def test_webm_variant_is_vp9(tmp_path: Path) -> None:
    path = tmp_path / "clip.webm"
    assert make_test_video(path, seconds=2) == pytest.approx(2.0, abs=0.1)
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "vp9"


def test_a_text_file_renamed_mp4_is_not_a_video(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("These are my lecture notes, not a video.\n" * 20)
    with pytest.raises(ValueError):
        probe_video(fake)


def test_an_empty_or_truncated_file_is_not_a_video(tmp_path: Path, video) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(video[0].read_bytes()[:200])
    for path in (empty, truncated):
        with pytest.raises(ValueError):
            probe_video(path)


def test_a_missing_file_is_not_a_video(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        probe_video(tmp_path / "missing.mp4")


@pytest.mark.parametrize(("name", "size"), [("odd.mp4", (321, 180)), ("clip.avi", (320, 180))])
def test_make_test_video_refuses_odd_sizes_and_unknown_formats(tmp_path: Path, name, size) -> None:
    with pytest.raises(ValueError):
        make_test_video(tmp_path / name, width=size[0], height=size[1])


def test_thumbnail_is_a_16_by_9_jpeg_with_the_title_drawn(tmp_path: Path) -> None:
    path = tmp_path / "thumb.jpg"
    make_thumbnail(path, title="Python for Absolute Beginners", color=(30, 64, 175))
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == (1280, 720)
        caption = image.convert("L").crop((80, 540, 1200, 640))
        low, high = caption.getextrema()
    assert high - low > 100  # the title drawn at the bottom, not a flat colour


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF"])
def test_a_still_image_renamed_mp4_is_not_a_video(tmp_path: Path, image_format: str) -> None:
    fake = tmp_path / "picture.mp4"
    Image.new("RGB", (64, 64), (255, 0, 0)).save(fake, format=image_format)
    with pytest.raises(ValueError):
        probe_video(fake)


def test_thumbnail_is_course_art_not_a_flat_rectangle_and_always_the_same(tmp_path: Path) -> None:
    first, again = tmp_path / "a.jpg", tmp_path / "b.jpg"
    for path in (first, again):
        make_thumbnail(path, title="Git and GitHub Essentials", color=(234, 88, 12))
    assert first.read_bytes() == again.read_bytes()  # demo data and screenshots stay stable
    with Image.open(first) as image:
        rgb = image.convert("RGB")
        # A gradient: the corners of the background differ clearly, not one flat colour.
        top_left, bottom_right = rgb.getpixel((20, 20)), rgb.getpixel((1260, 600))
    assert isinstance(top_left, tuple) and isinstance(bottom_right, tuple)
    assert sum(abs(a - b) for a, b in zip(top_left, bottom_right, strict=True)) > 80
