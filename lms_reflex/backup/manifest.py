"""The manifest of a backup: what it holds and the checksums that prove it arrived intact."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1
_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore problem a person can fix; the message says what to do."""


@dataclass
class Manifest:
    """Everything restore needs to check before it touches the target."""

    engine: str
    created_at: str
    database_file: str
    tables: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def write(self, folder: Path) -> None:
        """Write manifest.json last, so a folder with a manifest is a finished backup."""
        data = {
            "format_version": self.format_version,
            "engine": self.engine,
            "created_at": self.created_at,
            "database_file": self.database_file,
            "tables": self.tables,
            "files": self.files,
        }
        (folder / MANIFEST_NAME).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Load a folder's manifest.

        Raises:
            BackupError: when there is none or it cannot be understood.
        """
        path = folder / MANIFEST_NAME
        if not path.is_file():
            raise BackupError(f"{folder} is not a finished backup (no {MANIFEST_NAME})")
        try:
            data = json.loads(path.read_text())
            manifest = cls(
                engine=str(data["engine"]),
                created_at=str(data["created_at"]),
                database_file=str(data["database_file"]),
                tables={str(k): int(v) for k, v in data["tables"].items()},
                files=dict(data["files"]),
                format_version=int(data["format_version"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{path} is damaged ({exc.__class__.__name__})") from None
        if manifest.format_version != FORMAT_VERSION:
            raise BackupError(f"{path} has format {manifest.format_version}; expected 1")
        return manifest

    def add_file(self, folder: Path, relative: str) -> None:
        """Record a file already inside the backup folder."""
        self.files[relative] = file_entry(folder / relative)


def file_entry(path: Path) -> dict[str, Any]:
    """The size and sha256 of a file, read in chunks (videos are large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size}


def copy_with_checksum(source: Path, target: Path, *, dir_mode: int = 0o700) -> dict[str, Any]:
    """Copy one file and return the size and sha256 of the bytes written."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=dir_mode)  # media is private
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return {"sha256": digest.hexdigest(), "bytes": size}


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Check every listed file against its checksum before anything is restored.

    Raises:
        BackupError: naming the first missing or changed file.
    """
    if manifest.database_file not in manifest.files:
        raise BackupError("the manifest does not list the database file")
    for relative, expected in sorted(manifest.files.items()):
        path = folder / relative
        if not _inside(folder, path) or not path.is_file():
            raise BackupError(f"the backup is incomplete: {relative} is missing")
        if file_entry(path)["sha256"] != expected.get("sha256"):
            raise BackupError(f"the backup is damaged: {relative} does not match its checksum")


def _inside(folder: Path, path: Path) -> bool:
    """A manifest is data: a listed name must not climb out of the backup folder."""
    return path.resolve().is_relative_to(folder.resolve())
