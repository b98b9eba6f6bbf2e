"""The one helper that reads a single picture from a Reflex upload event."""

from __future__ import annotations

import asyncio
import io

import pytest

from lms_reflex.services.errors import InvalidInput
from lms_reflex.state.uploads import progress_percent, read_one_upload

CAP = 1024


class CountingFile:
    """Stands in for rx.UploadFile (only `read` is used) and remembers the sizes asked for."""

    def __init__(self, data: bytes) -> None:
        self.file = io.BytesIO(data)
        self.asked: list[int] = []

    async def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        return self.file.read(size)


def read(files: list, noun: str = "photo") -> bytes:
    return asyncio.run(read_one_upload(files, max_bytes=CAP, noun=noun))


def test_one_file_under_the_cap_is_read_whole() -> None:
    upload = CountingFile(b"x" * CAP)
    assert read([upload]) == b"x" * CAP
    assert upload.asked == [CAP + 1]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Please choose a picture first."),
        ([CountingFile(b"a"), CountingFile(b"b")], "Please upload one picture at a time."),
    ],
)
def test_no_file_or_several_are_refused(files: list, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read(files, noun="picture")


def test_an_oversized_file_is_refused_after_reading_cap_plus_one() -> None:
    upload = CountingFile(b"x" * (CAP * 50))
    with pytest.raises(InvalidInput, match="That photo is larger than"):
        read([upload])
    assert upload.asked == [CAP + 1]


@pytest.mark.parametrize(
    ("progress", "percent"),
    [({"progress": 0.42}, 42), ({"progress": 1}, 100), ({"progress": 7.0}, 100),
     ({"progress": -1}, 0), ({"progress": float("nan")}, 0), ({"progress": "50"}, 0),
     ({}, 0), (None, 0), ([0.5], 0)],
)  # fmt: skip
def test_progress_is_a_percent_whatever_the_browser_sends(progress: object, percent: int) -> None:
    assert progress_percent(progress) == percent
