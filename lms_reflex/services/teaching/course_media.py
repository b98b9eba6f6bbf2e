"""Course files: lesson videos with their posters, course thumbnails, and deleting courses.

Uploads are checked by their bytes (never their name), decoded (PyAV for video, Pillow for
images), stored under server-made keys, the row committed last, and only then the old files
removed. Any failure leaves no new file and no row change (docs/architecture.md, "Files and
uploads"; docs/security.md 30-32, 34). These functions block: callers run them in a thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from lms_reflex.media import images, storage
from lms_reflex.media.cards import card_key
from lms_reflex.media.samples import probe_video
from lms_reflex.models import (
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    Review,
    Section,
)
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import Conflict, InvalidInput
from lms_reflex.services.formatting import media_url
from lms_reflex.services.learning.captions import caption_keys
from lms_reflex.services.teaching.builder import owned_course, touch
from lms_reflex.services.teaching.curriculum import owned_lesson, remove_files
from lms_reflex.settings import get_settings

log = logging.getLogger("lms_reflex.course_media")

NOT_A_VIDEO = "This file is not a video we can play. Upload an MP4, WebM or MOV file."
THUMBNAIL_MAX_BYTES = images.MAX_BYTES
THUMBNAIL = images.PictureSpec(size=(1280, 720), encoding="JPEG")  # 16:9, centre-cropped
POSTER_MAX = (1280, 720)
_MOV_ATOMS = (b"moov", b"mdat", b"wide", b"free")


@dataclass(frozen=True)
class LessonVideoResult:
    """What the builder shows once a video is attached."""

    duration_s: int
    video_url: str


# ------------------------------------------------------------------------------ sniffing


def sniff_video(head: bytes) -> str | None:
    """The extension named by a file's first bytes: '.mp4', '.mov', '.webm' or None."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ".webm"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return ".mov" if head[8:12] == b"qt  " else ".mp4"
    if len(head) >= 8 and head[4:8] in _MOV_ATOMS:
        return ".mov"
    return None


def _container_fits(path: Path, ext: str) -> bool:
    """Whether FFmpeg's own detection agrees with the magic bytes."""
    import av  # on first use, as media/samples.py's probe_video explains

    with av.open(str(path)) as container:
        name = container.format.name
    return ("webm" in name) if ext == ".webm" else ("mp4" in name or "mov" in name)


def poster_from_video(path: Path, duration: float) -> bytes:
    """A JPEG of one frame (a little way in, to skip a black first frame), at most 1280x720.

    Raises:
        ValueError: when no frame can be decoded.
    """
    import av
    from av.error import FFmpegError

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if duration > 1:
                container.seek(int(min(duration * 0.1, 3.0) * av.time_base))
            frame = next(container.decode(stream))
            image = frame.to_image().convert("RGB")
    except (FFmpegError, StopIteration, IndexError) as exc:
        raise ValueError("no frame to make a poster from") from exc
    image.thumbnail(POSTER_MAX, Image.Resampling.LANCZOS)
    return images.encode(image, "JPEG")


def _inspect_video(path: Path) -> tuple[str, float, bytes]:
    """(extension, duration, poster JPEG) for a playable video file.

    Raises:
        InvalidInput: when the file is too big, not a video by its bytes, or does not decode.
    """
    from av.error import FFmpegError

    if path.stat().st_size > get_settings().max_upload_bytes:
        raise InvalidInput(f"This file is larger than {get_settings().max_upload_mb} MB.")
    with open(path, "rb") as fh:
        ext = sniff_video(fh.read(16))
    try:
        if ext is None or not _container_fits(path, ext):
            raise ValueError("magic bytes do not name a video container")
        duration = probe_video(path)
        poster = poster_from_video(path, duration)
    except (ValueError, FFmpegError, UnicodeDecodeError):
        raise InvalidInput(NOT_A_VIDEO) from None
    return ext, duration, poster


# ------------------------------------------------------------------------------ videos


def _store_video(temp_path: Path, ext: str, poster: bytes) -> tuple[str, str]:
    """Write the poster and move the video under new server-made keys."""
    video_key = storage.new_key("videos", ext)
    poster_key = storage.new_key("posters", ".jpg")
    storage.write_atomic(poster_key, poster)
    try:
        storage.move_into_place(temp_path, video_key)
    except BaseException:
        remove_files([poster_key])
        raise
    return video_key, poster_key


def _check_temp_path(temp_path: Path) -> Path:
    """Only files in the media temp folder are taken (and later removed) by this module.

    Raises:
        ValueError: for any other path (a programming error, not user input).
    """
    path = Path(temp_path).resolve()
    if path.parent != storage.temp_dir():
        raise ValueError("uploads must be written to storage.new_temp_path() first")
    return path


def attach_lesson_video(
    *, session: Session, actor: Actor | None, lesson_id: int, temp_path: Path, original_name: str
) -> LessonVideoResult:
    """Make an uploaded file the lesson's video, with a poster, replacing any previous one.

    Args:
        session: The open session; this function commits (or rolls back).
        actor: The course's instructor or an admin.
        lesson_id: The lesson.
        temp_path: The upload, streamed into `storage.new_temp_path()`; it is always moved
            or deleted by this call.
        original_name: The browser's file name, only logged (never used for storage).

    Returns:
        The duration in whole seconds and the URL of the stored video.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a lesson of another instructor's course.
        InvalidInput: when the file is not a playable MP4, WebM or MOV (or too big).
    """
    path = _check_temp_path(temp_path)
    try:
        lesson, _, course = owned_lesson(session, actor, lesson_id)
        ext, duration, poster = _inspect_video(path)
        keys = _store_video(path, ext, poster)
    except InvalidInput as exc:
        name = str(original_name)[:100]
        log.info("video refused: user=%s name=%r: %s", getattr(actor, "id", None), name, exc)
        raise
    finally:
        path.unlink(missing_ok=True)  # gone already once moved into place
    old = (lesson.video_key, lesson.poster_key)
    lesson.video_key, lesson.poster_key = keys
    lesson.duration_s = max(1, round(duration))
    _commit_or_forget(session, course, [lesson], keys)
    remove_files(old)
    return LessonVideoResult(duration_s=lesson.duration_s, video_url=media_url(keys[0]))


def _commit_or_forget(
    session: Session, course: Course, rows: list[Lesson | Course], new_keys: tuple[str, ...]
) -> None:
    """Commit the rows pointing at new files; on failure roll back and delete those files."""
    try:
        for row in rows:
            session.add(row)
        touch(session, course)
        session.commit()
    except BaseException:
        session.rollback()
        remove_files(new_keys)
        raise


# ------------------------------------------------------------------------------ thumbnails


def set_course_thumbnail(
    *, session: Session, actor: Actor | None, course_id: int, data: bytes
) -> str:
    """Replace the course's thumbnail with a cleaned 1280x720 copy of `data`; commits.

    Returns:
        The URL of the new thumbnail.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        InvalidInput: when the file is not an acceptable picture (see images.picture_from_upload).
    """
    course = owned_course(session, actor, course_id)
    encoded = images.picture_from_upload(data, THUMBNAIL)
    key = storage.new_key("thumbnails", ".jpg")
    storage.write_atomic(key, encoded)
    old = course.thumbnail_key
    course.thumbnail_key = key
    _commit_or_forget(session, course, [course], (key,))
    remove_files([old, card_key(old)])
    return media_url(key)


# ------------------------------------------------------------------------------ deleting


def _course_keys(session: Session, course: Course) -> tuple[list[str | None], list[int]]:
    """Every file key of the course, and its lesson ids."""
    rows = session.exec(
        select(Lesson.id, Lesson.video_key, Lesson.poster_key)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(Section.course_id == course.id)
    ).all()
    keys = [course.thumbnail_key, card_key(course.thumbnail_key)]
    keys += [k for _, v, p in rows for k in (v, p)]
    lesson_ids = [lesson_id for lesson_id, _, _ in rows if lesson_id is not None]
    return [*keys, *caption_keys(session, lesson_ids)], lesson_ids


def delete_course(*, session: Session, actor: Actor | None, course_id: int) -> None:
    """Delete a course that no student has joined (a draft, or archived), then its files.

    Commits. Published courses, and any course with enrollments, are kept: students'
    access must not disappear.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        Conflict: when the course is published or has enrolled students.
    """
    course = owned_course(session, actor, course_id, lock=True)
    if course.status == CourseStatus.PUBLISHED:
        raise Conflict("Unpublish or archive the course before deleting it.")
    enrolled = session.exec(
        select(func.count()).select_from(Enrollment).where(Enrollment.course_id == course.id)
    ).one()
    if enrolled:
        raise Conflict("Students are enrolled in this course, so it cannot be deleted.")
    keys, lesson_ids = _course_keys(session, course)
    session.exec(delete(LessonProgress).where(col(LessonProgress.lesson_id).in_(lesson_ids)))
    session.exec(delete(Lesson).where(col(Lesson.id).in_(lesson_ids)))
    session.exec(delete(Section).where(col(Section.course_id) == course.id))
    session.exec(delete(Review).where(col(Review.course_id) == course.id))
    session.delete(course)
    session.commit()
    remove_files(keys)
