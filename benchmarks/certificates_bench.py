"""Certificates (issue 18): PDF generation time, and a cached PDF download against a thumbnail.

Generation: `render_pdf` for `--count` certificates with names in Latin, Greek and
Cyrillic, in this process (wall and CPU time, p50/p95; target p95 <= 150 ms). Downloads:
the media route (`lms_reflex.api.build_api`, through Starlette's TestClient, in process,
no network) serving one certificate PDF that is already on disk, against the same route
serving a published course's thumbnail; both are public files, so the difference is the
certificate's own check (one indexed row) and its size. Everything lives in a temporary
install (SQLite, media folder) made for the run. Figures are printed; nothing is asserted.

    python -m benchmarks.certificates_bench [--count 100] [--downloads 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

NAMES = ["Zoë Łukasiewicz-Ñúñez", "Γιώργος Παπαδόπουλος", "Анна Каренина", "Grace Hopper"]


def _install(base: Path) -> None:
    os.environ.update(
        {
            "LMS_ENV": "dev",
            "LMS_DATABASE_URL": f"sqlite:///{base / 'lms.db'}",
            "LMS_DATA_DIR": str(base / "data"),
            "LMS_MEDIA_DIR": str(base / "media"),
            "LMS_MAIL_OUTBOX": str(base / "outbox"),
            "LMS_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        }
    )


def _percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms"


def _timed(fn: Callable[[], object], count: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(count):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def bench_generation(count: int) -> None:
    """Print wall and CPU percentiles of drawing one certificate PDF."""
    from lms_reflex.services.certificates.pdf import PrintedFacts, render_pdf

    def one(i: int) -> bytes:
        return render_pdf(
            PrintedFacts(
                site_name="lms_reflex",
                holder_name=NAMES[i % len(NAMES)],
                course_title="Git and GitHub Essentials",
                instructor_name="Ada Instructor",
                hours_label="3 h 5 min",
                date_label="5 December 2026",
                code="7KQ2-M9XD-ABCD-EFGH-0123",
                verify_url="https://learn.example.org/certificates/7KQ2M9XDABCDEFGH0123",
            )
        )

    one(0)  # the first call reads the font's character map once per process
    counter = iter(range(10**9))
    wall, cpu = _timed(lambda: one(next(counter)), count)
    print(f"PDF generation ({count}):  wall {_percentiles(wall)}   cpu {_percentiles(cpu)}")


def _seed() -> tuple[str, str]:
    """A published course with a thumbnail, and a student who finished it: the two keys."""
    import io

    from PIL import Image
    from sqlmodel import SQLModel

    import lms_reflex.models as m
    from lms_reflex.db import get_engine, session_scope
    from lms_reflex.media import storage
    from lms_reflex.search_schema import ensure_search_index
    from lms_reflex.services.actor import Actor
    from lms_reflex.services.learning import progress

    SQLModel.metadata.create_all(get_engine())
    ensure_search_index(get_engine())
    picture = io.BytesIO()
    Image.new("RGB", (640, 360), (55, 48, 163)).save(picture, "JPEG", quality=85)
    thumbnail = storage.new_key("thumbnails", ".jpg")
    storage.write_atomic(thumbnail, picture.getvalue())
    with session_scope() as db:
        people = [
            m.User(email=f"{who}@example.org", first_name=who.title(), last_name="Bench",
                   password_hash="x", role=role, email_verified_at=m.utcnow())
            for who, role in (("teacher", m.Role.INSTRUCTOR), ("student", m.Role.STUDENT))
        ]  # fmt: skip
        db.add_all(people)
        db.flush()
        course = m.Course(slug="bench", title="Bench course", instructor_id=people[0].id,
                          status=m.CourseStatus.PUBLISHED, thumbnail_key=thumbnail)  # fmt: skip
        db.add(course)
        db.flush()
        section = m.Section(course_id=course.id, title="One")
        db.add(section)
        db.flush()
        lesson = m.Lesson(section_id=section.id, title="Only", duration_s=60)
        db.add_all([lesson, m.Enrollment(user_id=people[1].id, course_id=course.id)])
        db.flush()
        done = progress.set_lesson_completed(
            session=db, actor=Actor.of(people[1]), lesson_id=lesson.id, completed=True
        )
    assert done.certificate is not None
    return storage.certificate_key(done.certificate.code), thumbnail


def bench_downloads(count: int) -> None:
    """Print the media route's time for a cached certificate PDF and for a thumbnail."""
    from starlette.testclient import TestClient

    from lms_reflex.api import build_api

    pdf, thumbnail = _seed()
    client = TestClient(build_api())
    first = time.perf_counter()
    made = client.get(f"/api/media/{pdf}")
    print(f"first PDF download (draws it): {(time.perf_counter() - first) * 1000:.1f} ms")
    assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
    for label, key in (("cached certificate PDF", pdf), ("course thumbnail JPEG", thumbnail)):
        size = len(client.get(f"/api/media/{key}").content)

        def fetch(key: str = key) -> None:
            assert client.get(f"/api/media/{key}").status_code == 200

        wall, _cpu = _timed(fetch, count)
        print(f"{label:24s} ({size / 1000:5.1f} kB, {count}): wall {_percentiles(wall)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--downloads", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _install(Path(tmp))
        bench_generation(args.count)
        bench_downloads(args.downloads)


if __name__ == "__main__":
    main()
