from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from lms_reflex.media import storage
from tests.unit._helpers import apply_env, forget_caches, lms_env

HEX = "0123456789abcdef" * 2


@pytest.fixture
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    apply_env(monkeypatch, lms_env(tmp_path))
    yield (tmp_path / "media").resolve()
    forget_caches()


def test_new_keys_are_random_server_made_names(media_dir: Path) -> None:
    keys = {storage.new_key("videos", ".mp4") for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert re.fullmatch(r"videos/[0-9a-f]{32}\.mp4", key)
        assert storage.path_for(key) == media_dir / key


def test_new_key_lowercases_allowed_extensions(media_dir: Path) -> None:
    assert storage.new_key("thumbnails", ".JPG").endswith(".jpg")


@pytest.mark.parametrize(
    ("kind", "ext"),
    [("videos", ".exe"), ("videos", "mp4"), ("videos", ".mp4/../x"), ("etc", ".jpg"),
     ("../videos", ".mp4"), ("avatars", ".svg"), ("posters", ".html")],
)  # fmt: skip
def test_new_key_refuses_unknown_kinds_and_extensions(media_dir: Path, kind, ext) -> None:
    with pytest.raises(ValueError):
        storage.new_key(kind, ext)


@pytest.mark.parametrize(
    "key",
    [
        "../../x",
        "/abs/x",
        "/etc/passwd",
        "videos/../../etc/passwd",
        f"videos/../videos/{HEX}.mp4",
        f"videos/{HEX}.mp4\x00.jpg",
        f"videos/{HEX}\x00.mp4",
        f"videos/{HEX}.mp4\n",
        f"videos/{HEX.upper()}.mp4",
        f"videos/{HEX}.exe",
        f"videos/{HEX}",
        f"videos\\{HEX}.mp4",
        f"./videos/{HEX}.mp4",
        f"videos//{HEX}.mp4",
        f"secrets/{HEX}.mp4",
        f".tmp/{HEX}.mp4",
        "videos/" + "a" * 300 + ".mp4",
        "x" * 300,
        "",
        "videos/",
    ],
)
def test_path_for_refuses_keys_that_are_not_server_made(media_dir: Path, key: str) -> None:
    with pytest.raises(ValueError):
        storage.path_for(key)


@pytest.mark.parametrize("key", [None, 42, b"videos/" + HEX.encode() + b".mp4"])
def test_path_for_refuses_non_strings(media_dir: Path, key) -> None:
    with pytest.raises(ValueError):
        storage.path_for(key)


def test_path_for_refuses_a_symlink_leading_out_of_the_media_dir(
    media_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{HEX}.mp4").write_bytes(b"secret")
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir / "videos").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        storage.path_for(f"videos/{HEX}.mp4")


def test_file_to_serve_finds_a_stored_file_and_refuses_symlinks(
    media_dir: Path, tmp_path: Path
) -> None:
    key = storage.new_key("videos", ".mp4")
    path = storage.write_atomic(key, b"video")
    found = storage.file_to_serve(key)
    assert found is not None and found[0] == path and found[1].st_size == 5
    assert storage.file_to_serve(storage.new_key("videos", ".mp4")) is None  # no such file

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.mp4").write_bytes(b"secret")
    path.unlink()
    path.symlink_to(outside / "x.mp4")
    assert storage.file_to_serve(key) is None  # a planted file link
    (media_dir / "posters").symlink_to(outside, target_is_directory=True)
    (outside / f"{HEX}.jpg").write_bytes(b"secret")
    assert storage.file_to_serve(f"posters/{HEX}.jpg") is None  # a planted folder link
    with pytest.raises(ValueError):
        storage.file_to_serve("posters/../../x.jpg")


def test_write_atomic_stores_bytes_and_leaves_no_temp_file(media_dir: Path) -> None:
    key = storage.new_key("avatars", ".png")
    path = storage.write_atomic(key, b"\x89PNG fake")
    assert path == media_dir / key
    assert path.read_bytes() == b"\x89PNG fake"
    assert list(storage.temp_dir().iterdir()) == []


def test_write_atomic_failure_leaves_neither_file_nor_temp(
    media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = storage.new_key("videos", ".mp4")

    def broken_replace(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.write_atomic(key, b"data")
    assert not (media_dir / key).exists()
    assert list(storage.temp_dir().iterdir()) == []


def test_write_atomic_refuses_a_bad_key_before_writing(media_dir: Path) -> None:
    with pytest.raises(ValueError):
        storage.write_atomic("../../escape.mp4", b"data")
    assert not (media_dir.parent / "escape.mp4").exists()


def test_move_into_place_publishes_a_temp_file(media_dir: Path) -> None:
    tmp = storage.new_temp_path()
    assert tmp.parent == media_dir / ".tmp"
    tmp.write_bytes(b"video bytes")
    key = storage.new_key("videos", ".webm")
    final = storage.move_into_place(tmp, key)
    assert final.read_bytes() == b"video bytes"
    assert not tmp.exists()


def test_move_into_place_only_takes_files_from_the_temp_folder(
    media_dir: Path, tmp_path: Path
) -> None:
    stray = tmp_path / "stray.bin"
    stray.write_bytes(b"x")
    with pytest.raises(ValueError):
        storage.move_into_place(stray, storage.new_key("videos", ".mp4"))
    assert stray.exists()


def test_cleanup_removes_abandoned_temp_files_but_not_live_uploads(media_dir: Path) -> None:
    abandoned = storage.new_temp_path()
    abandoned.write_bytes(b"half an upload")
    hour_ago = time.time() - 3600
    os.utime(abandoned, (hour_ago, hour_ago))
    live = storage.new_temp_path()
    live.write_bytes(b"still arriving")
    stored = storage.write_atomic(storage.new_key("videos", ".mp4"), b"keep me")

    assert storage.cleanup_temp_files() == 1
    assert not abandoned.exists()
    assert live.exists()
    assert stored.exists()


def test_cleanup_at_start_can_remove_every_leftover(media_dir: Path) -> None:
    for _ in range(3):
        storage.new_temp_path().write_bytes(b"x")
    assert storage.cleanup_temp_files(older_than_s=0) == 3
    assert list(storage.temp_dir().iterdir()) == []


def test_delete_key_removes_the_file_and_accepts_a_missing_one(media_dir: Path) -> None:
    key = storage.new_key("posters", ".jpg")
    path = storage.write_atomic(key, b"jpeg")
    storage.delete_key(key)
    assert not path.exists()
    storage.delete_key(key)  # again: nothing to do, no error


def test_delete_key_refuses_a_bad_key(media_dir: Path) -> None:
    with pytest.raises(ValueError):
        storage.delete_key("../lms.db")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_media_folders_are_owner_only(media_dir: Path) -> None:
    old = os.umask(0o022)
    try:
        path = storage.write_atomic(f"videos/{HEX}.mp4", b"x")
    finally:
        os.umask(old)
    assert _mode(media_dir) == _mode(path.parent) == 0o700


def test_folders_open_to_the_group_when_nginx_sends_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_env(monkeypatch, lms_env(tmp_path, LMS_MEDIA_ACCEL_REDIRECT="/_protected_media/"))
    old = os.umask(0o027)  # the systemd sample's UMask: nothing for other users
    try:
        path = storage.write_atomic(f"videos/{HEX}.mp4", b"x")
    finally:
        os.umask(old)
        forget_caches()
    assert _mode(tmp_path / "media") == _mode(path.parent) == 0o750
    assert _mode(path) == 0o640
