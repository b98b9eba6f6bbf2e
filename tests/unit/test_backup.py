"""Backup and restore refuse anything unsafe before writing a byte (SQLite, in process)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lms_reflex.backup import BackupError, make_backup, restore_backup
from lms_reflex.settings import Settings

VIDEO = f"videos/{'b' * 32}.mp4"


def install(base: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{base}/lms.db", media_dir=base / "media", data_dir=base
    )


@pytest.fixture
def source(tmp_path: Path) -> Settings:
    """A small live install: one table with rows, one media file, an upload in progress."""
    settings = install(tmp_path / "src")
    settings.data_dir.mkdir()
    db = sqlite3.connect(settings.data_dir / "lms.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    db.executemany("INSERT INTO note (body) VALUES (?)", [("one",), ("two",), ("three",)])
    db.commit()
    db.close()
    (settings.media_dir / "videos").mkdir(parents=True)
    (settings.media_dir / VIDEO).write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"x" * 1000)
    (settings.media_dir / ".tmp").mkdir()
    (settings.media_dir / ".tmp" / "half-upload").write_bytes(b"partial")
    return settings


@pytest.fixture
def backup(source: Settings, tmp_path: Path) -> Path:
    folder = tmp_path / "backup"
    make_backup(folder, settings=source)
    return folder


def test_the_manifest_counts_rows_and_checksums_every_file(backup: Path) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert manifest["tables"] == {"note": 3}
    assert set(manifest["files"]) == {"database.sqlite", f"media/{VIDEO}"}
    assert manifest["files"][f"media/{VIDEO}"]["bytes"] == 1012


def test_a_restore_gives_back_the_rows_and_media(backup: Path, tmp_path: Path) -> None:
    target = install(tmp_path / "dst")
    summary = restore_backup(backup, settings=target)
    assert (summary.tables, summary.rows, summary.media_files) == (1, 3, 1)
    db = sqlite3.connect(target.data_dir / "lms.db")
    assert [r[0] for r in db.execute("SELECT body FROM note ORDER BY id")] == [
        "one",
        "two",
        "three",
    ]
    assert (target.media_dir / VIDEO).stat().st_size == 1012
    assert not (target.media_dir / ".tmp").exists()


def test_a_backup_never_writes_into_a_folder_that_has_files(
    source: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(BackupError, match="not empty"):
        make_backup(folder, settings=source)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_a_failed_backup_leaves_no_half_folder(tmp_path: Path) -> None:
    missing = install(tmp_path / "nothing-here")
    with pytest.raises(BackupError, match="no database"):
        make_backup(tmp_path / "backup", settings=missing)
    assert not (tmp_path / "backup").exists()


def test_a_changed_file_is_refused_before_anything_is_written(backup: Path, tmp_path: Path) -> None:
    with (backup / "media" / VIDEO).open("ab") as handle:
        handle.write(b"bitrot")
    target = install(tmp_path / "dst")
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore_backup(backup, settings=target)
    assert not (target.data_dir / "lms.db").exists()
    assert not target.media_dir.exists()


def test_a_missing_file_is_refused(backup: Path, tmp_path: Path) -> None:
    (backup / "database.sqlite").unlink()
    with pytest.raises(BackupError, match=r"database\.sqlite is missing"):
        restore_backup(backup, settings=install(tmp_path / "dst"))


def test_a_manifest_cannot_point_outside_the_backup(backup: Path, tmp_path: Path) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"secret")
    manifest["files"]["media/../../outside.bin"] = {"sha256": "0" * 64, "bytes": 6}
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="missing"):
        restore_backup(backup, settings=install(tmp_path / "dst"))


def test_a_restore_over_an_existing_database_is_refused(backup: Path, source: Settings) -> None:
    with pytest.raises(BackupError, match="is not empty"):
        restore_backup(backup, settings=source)
    db = sqlite3.connect(source.data_dir / "lms.db")
    assert db.execute("SELECT count(*) FROM note").fetchone()[0] == 3


def test_a_restore_into_a_media_folder_with_files_is_refused(backup: Path, tmp_path: Path) -> None:
    target = install(tmp_path / "dst")
    (target.media_dir / "avatars").mkdir(parents=True)
    (target.media_dir / "avatars" / "someone.jpg").write_bytes(b"jpg")
    with pytest.raises(BackupError, match=r"media folder .* is not empty"):
        restore_backup(backup, settings=target)
    assert not (target.data_dir / "lms.db").exists()


def test_a_sqlite_backup_is_not_restored_into_postgresql(backup: Path, tmp_path: Path) -> None:
    target = Settings(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", media_dir=tmp_path / "m"
    )
    with pytest.raises(BackupError, match="sqlite backup but LMS_DATABASE_URL is postgresql"):
        restore_backup(backup, settings=target)


def test_a_folder_without_manifest_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "half").mkdir()
    with pytest.raises(BackupError, match="not a finished backup"):
        restore_backup(tmp_path / "half", settings=install(tmp_path / "dst"))
