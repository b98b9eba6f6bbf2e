"""Read models handed to the state layer: small frozen dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CategoryView:
    """A catalog shelf as shown in menus and headings."""

    id: int
    name: str
    slug: str
    description: str = ""


@dataclass(frozen=True)
class CourseCard:
    """What a course card shows in a listing."""

    id: int
    slug: str
    title: str
    subtitle: str
    instructor_name: str
    category_name: str
    level: str
    rating_avg: float
    rating_count: int
    price_label: str
    thumbnail_url: str
    student_count: int = 0


@dataclass(frozen=True)
class LessonRow:
    """A lesson line in a syllabus."""

    id: int
    title: str
    duration_label: str
    is_preview: bool


@dataclass(frozen=True)
class SectionView:
    """A syllabus chapter with its lessons in order."""

    id: int
    title: str
    lesson_count: int
    duration_label: str
    lessons: list[LessonRow] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewView:
    """A published review; the author shows as a first name and initial only."""

    id: int
    author: str
    rating: int
    body: str
    date_label: str
    instructor_reply: str = ""


@dataclass(frozen=True)
class CourseDetail:
    """Everything the course page shows."""

    id: int
    slug: str
    title: str
    subtitle: str
    description_html: str
    status: str
    instructor_id: int
    instructor_name: str
    category_name: str
    category_slug: str
    level: str
    language: str
    updated_label: str
    price_label: str
    is_free: bool
    rating_avg: float
    rating_count: int
    rating_distribution: list[int]
    student_count: int
    thumbnail_url: str
    what_you_will_learn: list[str]
    requirements: list[str]
    sections: list[SectionView]
    lesson_count: int
    total_duration_label: str
    reviews: list[ReviewView]
