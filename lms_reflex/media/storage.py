"""Private media files under LMS_MEDIA_DIR, addressed only by server-made keys.

A key looks like ``videos/<32 hex>.mp4``. Keys are made here (never from a browser's file
name) and checked again whenever one is turned into a path, so a key read back from the
database or a URL can never point outside the media directory (docs/architecture.md, "Files
and uploads").
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import time
from pathlib import Path
from typing import Literal, get_args
from uuid import uuid4

from lms_reflex.settings import get_settings

Kind = Literal["videos", "posters", "thumbnails", "avatars", "captions"]
KINDS: frozenset[str] = frozenset(get_args(Kind))
EXTENSIONS: frozenset[str] = frozenset({".mp4", ".webm", ".mov", ".jpg", ".png", ".webp", ".vtt"})
TEMP_DIR_NAME = ".tmp"
MAX_KEY_LENGTH = 64

# fullmatch (not `$`, which also matches before a trailing newline) on the whole key.
_KEY_RE = re.compile(
    r"(videos|posters|thumbnails|avatars)/[0-9a-f]{32}\.(mp4|webm|mov|jpg|png|webp)"
    # Lesson captions, cleaned WebVTT (lms_reflex/media/captions.py).
    r"|captions/[0-9a-f]{32}\.vtt"
    # Card-sized copies of course thumbnails (lms_reflex/media/cards.py).
    r"|cards/[0-9a-f]{32}\.webp"
    # Certificate PDFs are named by their public code (services/certificates/codes.py).
    r"|certificates/[0-9A-HJKMNP-TV-Z]{20}\.pdf"
)
CERTIFICATES = "certificates"


def dir_mode() -> int:
    """Owner-only folders, unless nginx sends the files (LMS_MEDIA_ACCEL_REDIRECT).

    nginx runs as another user, so then the folders also open to the app's group, of
    which only the nginx user should be a member (see docs/deploy). The umask still applies.
    """
    return 0o750 if get_settings().media_accel_redirect else 0o700


def media_root() -> Path:
    """The absolute, resolved media directory (created on first use, owner-only)."""
    configured = get_settings().media_dir
    root = _resolved(configured, None if configured.is_absolute() else os.getcwd())
    root.mkdir(parents=True, exist_ok=True, mode=dir_mode())
    return root


@functools.lru_cache(maxsize=16)
def _resolved(configured: Path, cwd: str | None) -> Path:
    """The folder resolved once (a relative one once per working directory).

    Every media request asks for the root, and resolving walks the whole path
    (benchmarks/README.md, "Media").
    """
    return (Path(cwd) / configured if cwd else configured).resolve()


def new_key(kind: Kind, ext: str) -> str:
    """Make a fresh storage key; the name is random so uploads never collide or leak names.

    Args:
        kind: the folder the file belongs to.
        ext: the extension including the dot, from EXTENSIONS (case-insensitive).

    Raises:
        ValueError: for an unknown kind or an extension outside the allow-list.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown media kind: {kind!r}")
    ext = ext.lower()
    if ext not in EXTENSIONS:
        raise ValueError(f"extension not allowed: {ext!r}")
    return f"{kind}/{uuid4().hex}{ext}"


def certificate_key(code: str) -> str:
    """The key of a certificate's PDF; checked like every key when it becomes a path."""
    return f"{CERTIFICATES}/{code}.pdf"


def is_valid_key(key: object) -> bool:
    """Whether `key` has the exact shape of a key made by `new_key`."""
    return (
        isinstance(key, str) and len(key) <= MAX_KEY_LENGTH and _KEY_RE.fullmatch(key) is not None
    )


def path_for(key: str) -> Path:
    """The file path of a key, checked twice: by shape and by where it resolves.

    The second check catches a symlink planted inside the media directory.

    Raises:
        ValueError: when the key is malformed or its path leaves the media directory.
    """
    if not is_valid_key(key):
        raise ValueError("invalid media key")
    root = media_root()
    path = (root / key).resolve()
    if not path.is_relative_to(root) or path == root:
        raise ValueError("media key points outside the media directory")
    return path


def file_to_serve(key: str) -> tuple[Path, os.stat_result] | None:
    """A stored file's path and stat for the media route, or None when there is none.

    The route asks this for every Range request of a playing video, so it keeps what
    `path_for` promises with two lstat calls instead of resolving the whole path (and no
    mkdir): a server-made key names one folder and one file, and both must be what they
    seem, a real folder and a regular file, so neither can be a symlink planted inside the
    media directory (benchmarks/README.md, "Media").

    Raises:
        ValueError: when the key is malformed.
    """
    if not is_valid_key(key):
        raise ValueError("invalid media key")
    configured = get_settings().media_dir
    root = _resolved(configured, None if configured.is_absolute() else os.getcwd())
    path = root / key
    try:
        folder = os.lstat(path.parent)
        found = os.lstat(path)
    except OSError:
        return None
    if not (stat.S_ISDIR(folder.st_mode) and stat.S_ISREG(found.st_mode)):
        return None
    return path, found


def temp_dir() -> Path:
    """The folder for partial writes; inside media_dir so `os.replace` stays on one disk."""
    path = media_root() / TEMP_DIR_NAME
    path.mkdir(exist_ok=True, mode=0o700)
    return path


def new_temp_path() -> Path:
    """A fresh path in `temp_dir()` for a file being written (not created yet)."""
    return temp_dir() / f"{uuid4().hex}.part"


def _fsync_dir(path: Path) -> None:
    """Persist a rename by syncing its directory (not possible on every platform)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def move_into_place(tmp_path: Path, key: str) -> Path:
    """Publish a finished temp file under `key`: fsync, then an atomic rename.

    Readers see either no file or the whole file, never a half-written one.

    Args:
        tmp_path: a file made under `temp_dir()` (see `new_temp_path`).
        key: the destination key from `new_key`.

    Returns:
        The final path.

    Raises:
        ValueError: when the key is invalid or tmp_path is not in the temp folder.
        OSError: when the file cannot be synced or renamed.
    """
    dest = path_for(key)
    tmp_path = Path(tmp_path).resolve()
    if tmp_path.parent != temp_dir():
        raise ValueError("only files from the media temp folder can be moved into place")
    with open(tmp_path, "rb") as fh:
        os.fsync(fh.fileno())
    dest.parent.mkdir(parents=True, exist_ok=True, mode=dir_mode())
    os.replace(tmp_path, dest)
    _fsync_dir(dest.parent)
    return dest


def write_atomic(key: str, data: bytes) -> Path:
    """Write `data` under `key` through a temp file, so a crash leaves no partial file.

    Raises:
        ValueError: when the key is invalid.
        OSError: when the disk write fails (the temp file is removed).
    """
    path_for(key)  # fail before writing anything
    tmp = new_temp_path()
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        return move_into_place(tmp, key)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def cleanup_temp_files(*, older_than_s: float = 600.0) -> int:
    """Remove partial files left in the temp folder by a crash mid-upload.

    Only files untouched for `older_than_s` are removed: an upload in progress keeps
    writing (so its mtime stays fresh), and another worker may be receiving one right now.

    Returns:
        How many files were removed.
    """
    cutoff = time.time() - older_than_s
    removed = 0
    for entry in os.scandir(temp_dir()):
        if not entry.is_file(follow_symlinks=False) and not entry.is_symlink():
            continue
        with contextlib.suppress(FileNotFoundError):
            if entry.stat(follow_symlinks=False).st_mtime <= cutoff:
                os.unlink(entry.path)
                removed += 1
    return removed


def delete_key(key: str) -> None:
    """Delete the file of a key; a missing file is fine (deletes may be retried).

    Raises:
        ValueError: when the key is invalid.
    """
    path_for(key).unlink(missing_ok=True)
