"""The lesson editor's captions: upload (WebVTT, or SRT converted), list and delete (issue 21).

Only the course's staff may change a lesson's captions (`curriculum.owned_lesson`, checked
on every call, before a byte of the file is looked at). A file is parsed and rebuilt by
`media/captions.py`, written under a new server-made key, and the row committed last; only
then is a replaced file removed. A refused file changes nothing (docs/architecture.md,
"Files and uploads"; docs/security.md, "Captions").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from babel import Locale
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_reflex.media import storage
from lms_reflex.media.captions import MAX_BYTES, CaptionError, parse_captions, to_webvtt
from lms_reflex.models import LessonCaption, LessonKind, utcnow
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound
from lms_reflex.services.formatting import media_url
from lms_reflex.services.teaching.builder import touch
from lms_reflex.services.teaching.curriculum import owned_lesson, remove_files

log = logging.getLogger("lms_reflex.captions")

CAPTION_MAX_BYTES = MAX_BYTES
FILE_FIELD = "caption_file"
LANGUAGE_FIELD = "caption_language"
CAPTIONS_NOT_FOUND = "This lesson has no captions in that language."
QUIZ_HAS_NO_CAPTIONS = "Captions belong to video lessons; a quiz has none."
_CODES = (
    "en", "fr", "es", "de", "it", "pt", "pt_BR", "nl", "sv", "da", "nb", "fi", "pl", "cs",
    "ro", "hu", "el", "tr", "ru", "uk", "ar", "he", "fa", "hi", "bn", "ur", "id", "vi",
    "th", "zh_Hans", "zh_Hant", "ja", "ko", "sw",
)  # fmt: skip


def _label(code: str) -> str:
    """The language's own name, as its speakers write it ("Français", "日本語")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


# (code, label) in the lesson editor's language picker; the code is BCP 47 with "-".
CAPTION_LANGUAGES: tuple[tuple[str, str], ...] = tuple(
    (code.replace("_", "-"), _label(code)) for code in _CODES
)
_LABELS: dict[str, str] = dict(CAPTION_LANGUAGES)


@dataclass(frozen=True)
class EditorCaption:
    """One caption track as the lesson editor lists it."""

    language: str
    label: str
    cue_count: int
    url: str


def _view(row: LessonCaption) -> EditorCaption:
    return EditorCaption(row.language, row.label, row.cue_count, media_url(row.file_key))


def _rows(session: Session, lesson_id: int) -> list[LessonCaption]:
    query = select(LessonCaption).where(LessonCaption.lesson_id == lesson_id)
    return sorted(session.exec(query).all(), key=lambda r: (r.label, r.language))


def _find(session: Session, lesson_id: int, code: str) -> LessonCaption | None:
    query = select(LessonCaption).where(
        LessonCaption.lesson_id == lesson_id, LessonCaption.language == code
    )
    return session.exec(query).first()


def list_lesson_captions(
    *, session: Session, actor: Actor | None, lesson_id: int
) -> list[EditorCaption]:
    """The lesson's caption tracks, for its course's staff.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `curriculum.owned_lesson`.
    """
    lesson, _, _ = owned_lesson(session, actor, lesson_id)
    return [_view(row) for row in _rows(session, lesson.id or 0)]


def _language(code: object) -> str:
    """A language code of the picker.

    Raises:
        InvalidInput: for anything else.
    """
    if not isinstance(code, str) or code not in _LABELS:
        raise InvalidInput("Please choose the language of the captions.", field=LANGUAGE_FIELD)
    return code


def _clean_file(data: object) -> tuple[bytes, int]:
    """The rebuilt WebVTT bytes and the number of cues.

    Raises:
        InvalidInput: with the parser's sentence, for the file field.
    """
    if not isinstance(data, bytes | bytearray) or not data:
        raise InvalidInput("Please choose a caption file first.", field=FILE_FIELD)
    try:
        cues = parse_captions(bytes(data))
    except CaptionError as exc:
        raise InvalidInput(str(exc), field=FILE_FIELD) from None
    return to_webvtt(cues), len(cues)


def upload_lesson_captions(
    *, session: Session, actor: Actor | None, lesson_id: int, language: str, data: bytes
) -> EditorCaption:
    """Store a lesson's captions in one language, replacing that language's file; commits.

    Args:
        session: The open session; this function commits (or rolls back).
        actor: The course's instructor or an admin.
        lesson_id: A video lesson.
        language: A code of CAPTION_LANGUAGES.
        data: The uploaded WebVTT or SRT file (at most CAPTION_MAX_BYTES).

    Returns:
        The stored track.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `curriculum.owned_lesson`.
        InvalidInput: an unknown language, a quiz lesson, or a file we refuse (the
            sentence says why: size, encoding, a time that cannot be read, no captions).
        Conflict: when another upload of the same language won a race.
    """
    lesson, _, course = owned_lesson(session, actor, lesson_id)
    code = _language(language)
    if lesson.kind == LessonKind.QUIZ:
        raise InvalidInput(QUIZ_HAS_NO_CAPTIONS, field=FILE_FIELD)
    vtt, count = _clean_file(data)
    row = _find(session, lesson.id or 0, code)
    row = row or LessonCaption(lesson_id=lesson.id or 0, language=code, label="", file_key="")
    old_key = row.file_key or None
    key = storage.new_key("captions", ".vtt")
    storage.write_atomic(key, vtt)
    row.label, row.file_key, row.cue_count, row.updated_at = _LABELS[code], key, count, utcnow()
    try:
        session.add(row)
        touch(session, course)
        session.commit()
    except IntegrityError:
        session.rollback()
        remove_files([key])
        raise Conflict("Captions in this language were just uploaded. Please try again.") from None
    except BaseException:
        session.rollback()
        remove_files([key])
        raise
    remove_files([old_key])
    log.info("captions stored: user=%s lesson=%s %s", getattr(actor, "id", None), lesson.id, code)
    return _view(row)


def delete_lesson_captions(
    *, session: Session, actor: Actor | None, lesson_id: int, language: str
) -> None:
    """Delete a lesson's captions in one language, then its file; commits.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `curriculum.owned_lesson`; NotFound
            also when the lesson has no captions in that language.
    """
    lesson, _, course = owned_lesson(session, actor, lesson_id)
    row = _find(session, lesson.id or 0, language) if isinstance(language, str) else None
    if row is None:
        raise NotFound(CAPTIONS_NOT_FOUND)
    key = row.file_key
    session.delete(row)
    touch(session, course)
    session.commit()
    remove_files([key])
