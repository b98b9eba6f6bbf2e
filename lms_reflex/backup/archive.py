"""Make a backup folder from the configured install, and restore one into an empty install."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lms_reflex.backup.manifest import (
    BackupError,
    Manifest,
    copy_with_checksum,
    verify_files,
)
from lms_reflex.backup.postgres import backup_postgres, restore_postgres
from lms_reflex.backup.sqlite import backup_sqlite, check_empty_target, restore_sqlite
from lms_reflex.media.storage import TEMP_DIR_NAME
from lms_reflex.settings import Settings

MEDIA_FOLDER = "media"
__all__ = ["BackupError", "BackupSummary", "make_backup", "restore_backup"]


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, for the one-line report of the command."""

    engine: str
    tables: int
    rows: int
    media_files: int
    created_at: str


def _engine_name(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


def _database_file(engine: str) -> str:
    return "database.sqlite" if engine == "sqlite" else "database.dump"


def _prepare_folder(folder: Path) -> bool:
    """Create the backup folder; True when we made it (so a failure can remove it).

    Raises:
        BackupError: when the folder exists and is not empty.
    """
    if folder.exists():
        if not folder.is_dir() or any(folder.iterdir()):
            raise BackupError(f"{folder} already exists and is not empty; pick a new folder")
        return False
    folder.mkdir(parents=True, mode=0o700)
    return True


def _media_files(root: Path) -> list[Path]:
    """Every stored media file; half-written uploads in the temp folder are not data."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*") if p.is_file() and TEMP_DIR_NAME not in p.relative_to(root).parts
    )


def _copy_media(root: Path, folder: Path, manifest: Manifest) -> None:
    for path in _media_files(root):
        relative = f"{MEDIA_FOLDER}/{path.relative_to(root).as_posix()}"
        if path.exists():  # a file deleted since the listing is no loss: its row is gone too
            manifest.files[relative] = copy_with_checksum(path, folder / relative)


def make_backup(folder: Path, *, settings: Settings) -> BackupSummary:
    """Back up the database, then the media files, then write the manifest.

    Args:
        folder: A new (or empty) folder to write into.
        settings: Which database and media folder to back up.

    Returns:
        What went into the backup.

    Raises:
        BackupError: when the folder is not empty or the database cannot be copied.
    """
    created = _prepare_folder(folder)
    engine = _engine_name(settings)
    manifest = Manifest(
        engine=engine,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        database_file=_database_file(engine),
        tables={},
    )
    try:
        target = folder / manifest.database_file
        copy = backup_sqlite if engine == "sqlite" else backup_postgres
        manifest.tables = copy(settings.database_url, target)
        manifest.add_file(folder, manifest.database_file)
        _copy_media(settings.media_dir.resolve(), folder, manifest)
        manifest.write(folder)
    except BaseException:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return _summary(manifest)


def _summary(manifest: Manifest) -> BackupSummary:
    return BackupSummary(
        engine=manifest.engine,
        tables=len(manifest.tables),
        rows=sum(manifest.tables.values()),
        media_files=sum(1 for name in manifest.files if name.startswith(f"{MEDIA_FOLDER}/")),
        created_at=manifest.created_at,
    )


def _check_media_empty(root: Path) -> None:
    if _media_files(root):
        raise BackupError(
            f"the media folder {root} is not empty; restore only into a new, empty place"
        )


def _restore_media(folder: Path, manifest: Manifest, root: Path, settings: Settings) -> None:
    mode = 0o750 if settings.media_accel_redirect else 0o700  # as media.storage.dir_mode
    root.mkdir(parents=True, exist_ok=True, mode=mode)
    for relative in sorted(manifest.files):
        if relative.startswith(f"{MEDIA_FOLDER}/"):
            target = root / relative.removeprefix(f"{MEDIA_FOLDER}/")
            copy_with_checksum(folder / relative, target, dir_mode=mode)


def restore_backup(folder: Path, *, settings: Settings) -> BackupSummary:
    """Check a backup's checksums, then load it into the empty configured install.

    Nothing is written before every file has matched its checksum and the target database
    and media folder were found empty; the database is checked again after loading
    (integrity and row counts against the manifest).

    Raises:
        BackupError: a damaged backup, an engine mismatch, or a target that is not empty.
    """
    manifest = Manifest.read(folder)
    engine = _engine_name(settings)
    if manifest.engine != engine:
        raise BackupError(
            f"this is a {manifest.engine} backup but LMS_DATABASE_URL is {engine}; "
            f"restore it into a {manifest.engine} database"
        )
    verify_files(folder, manifest)
    media_root = settings.media_dir.resolve()
    _check_media_empty(media_root)
    if engine == "sqlite":
        check_empty_target(settings.database_url)
        restore_sqlite(folder / manifest.database_file, settings.database_url, manifest.tables)
    else:
        restore_postgres(folder / manifest.database_file, settings.database_url, manifest.tables)
    _restore_media(folder, manifest, media_root, settings)
    return _summary(manifest)
