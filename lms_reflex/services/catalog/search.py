"""Full-text course search: FTS5 on SQLite, tsvector on PostgreSQL, the same answers.

Words are stemmed (SQLite's porter tokenizer, PostgreSQL's english configuration) and
matched as prefixes, so "courses" finds "course" and "learn" finds "learning". A partial
word whose stem differs ("analy" for "analysis") does not match, on both engines alike.

What people type never reaches the search engine's query language: it is cut into words
(letters and digits only), each word quoted and prefix-matched by our own construction,
so quotes, `*`, `NEAR(`, `AND`, `'`, `%` or `_` are plain text, never syntax (docs/security.md
36). Highlights are plain text: matched words are marked by our own markers, and HTML tags
and markdown syntax of the course text are dropped, so the UI renders them as text
(docs/security.md case 35).

A search that finds nothing tries once more with each unknown word replaced by the closest
word of a published course's title or tags (trigram similarity, see `spelling`), and says
so with `suggestion`, so "pyhton" finds Python courses and offers "Did you mean python?".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from sqlalchemy import ColumnElement, Select, TableClause, column, func, literal_column, table
from sqlmodel import Session, col, select

from lms_reflex.models import Category, Course, CourseStatus, Level
from lms_reflex.search_schema import PG_CONFIG
from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog.listings import Order, _card_query, _ordered, _to_card, page_window
from lms_reflex.services.catalog.spelling import corrected_terms
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.views import CourseCard

Sort = Literal["relevance", "rating", "newest", "popular"]
Price = Literal["free", "paid"]

MAX_TERMS = 10
MAX_QUERY_CHARS = 200
SHOWN_START, SHOWN_END = "\u00ab", "\u00bb"  # « and », around matches in `highlight`

# Private-use characters mark matches inside the database (unlikely in course text; a stray
# one is dropped by highlight_segments).
_MARK_START, _MARK_END = "\ue000", "\ue001"
_WORD = re.compile(r"[^\W_]+")  # letters and digits; everything else separates words
_OPERATORS = frozenset({"and", "or", "not", "near"})
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*(?:>|$)", re.DOTALL)
_MARKED = re.compile(f"({_MARK_START}[^{_MARK_START}{_MARK_END}]*{_MARK_END})")
_SPACES = re.compile(r"\s+")
# Markdown that would show as raw characters: links and images keep their text; heading,
# quote and list markers at a line start, emphasis and code marks go.
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)")
_MD_CUT_LINK = re.compile(r"\]\([^()\s]*(?:\)|$)|!?\[(?=[^\[\]]*$)")
_MD_LINE_START = re.compile(r"(^|\n)[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
_MD_HEADING = re.compile(r"(^|\s)(?:#{1,6}|>)[ \t]+")  # engines may join lines into one
_MD_MARKS = re.compile(r"\*+|`+|~~|(?<![^\W_])_+|_+(?![^\W_])")
_PG_CONFIG = literal_column(f"'{PG_CONFIG}'::regconfig")
_HEADLINE_OPTIONS = (
    f"StartSel={_MARK_START}, StopSel={_MARK_END}, MaxWords=18, MinWords=6, "
    'MaxFragments=1, FragmentDelimiter=" … "'
)
_SORTS = ("relevance", "rating", "newest", "popular")


@dataclass(frozen=True)
class SearchHit:
    """A result: its card and a plain-text excerpt around the matched words.

    `highlight` wraps matches in « »; `segments` is the same text as (text, is_match)
    pieces, for a UI that styles matches without parsing markers.
    """

    card: CourseCard
    highlight: str
    segments: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class SearchPage:
    """One page of results; `pages` is at least 1, `terms` are the words searched for."""

    results: list[SearchHit]
    total: int
    page: int
    pages: int
    terms: tuple[str, ...] = ()
    suggestion: str = ""  # the corrected words searched instead, when the typed ones found none


@dataclass(frozen=True)
class _Match:
    """How one engine joins, filters, ranks and excerpts its index."""

    index: TableClause
    on: ColumnElement[bool]
    where: ColumnElement[bool]
    best_first: ColumnElement
    excerpt: ColumnElement[str]


def query_terms(text: str) -> list[str]:
    """The words of a search box text: lower-cased, no syntax, at most 10.

    Only letters and digits survive, so nothing typed can become query syntax; the bare
    operators AND, OR, NOT and NEAR are dropped.
    """
    words = _WORD.findall(text[:MAX_QUERY_CHARS].lower())
    return [word for word in words if word not in _OPERATORS][:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH string: every term quoted and required; terms of 2+ letters as prefixes."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    return " ".join(q + "*" if len(t) > 1 else q for q, t in zip(quoted, terms, strict=True))


def tsquery_text(terms: list[str]) -> str:
    """A to_tsquery string: every term required; terms of 2+ letters as prefixes."""
    return " & ".join(f"{term}:*" if len(term) > 1 else term for term in terms)


def _sqlite_match(terms: list[str]) -> _Match:
    index = table("course_fts", column("rowid"), column("rank"))
    fts = literal_column("course_fts")
    return _Match(
        index=index,
        on=index.c.rowid == col(Course.id),
        where=fts.op("MATCH")(fts5_query(terms)),
        best_first=index.c.rank.asc(),  # bm25 with the column weights set in search_schema
        excerpt=func.snippet(fts, -1, _MARK_START, _MARK_END, "\u2026", 16),
    )


def _postgres_match(terms: list[str]) -> _Match:
    index = table("course_search", column("course_id"), column("document"))
    tsquery = func.to_tsquery(_PG_CONFIG, tsquery_text(terms))
    text = func.concat_ws(" \u2014 ", Course.title, Course.subtitle, Course.description)
    return _Match(
        index=index,
        on=index.c.course_id == col(Course.id),
        where=index.c.document.op("@@")(tsquery),
        best_first=func.ts_rank(index.c.document, tsquery).desc(),
        excerpt=func.ts_headline(_PG_CONFIG, text, tsquery, _HEADLINE_OPTIONS),
    )


def _match_for(session: Session, terms: list[str]) -> _Match:
    dialect = session.get_bind().dialect.name
    return _postgres_match(terms) if dialect == "postgresql" else _sqlite_match(terms)


def _check_options(sort: str, level: str | None, price: str | None) -> None:
    """Refuse option values no form offers.

    Raises:
        InvalidInput: unknown sort, level or price filter.
    """
    if sort not in _SORTS:
        raise InvalidInput("Unknown sort order.")
    if level is not None and level not in set(Level):
        raise InvalidInput("Unknown level.")
    if price not in (None, "free", "paid"):
        raise InvalidInput("Unknown price filter.")


# A count (one scalar) or a page of card rows: narrowing keeps the statement's kind.
_Query = TypeVar("_Query", bound=Select)


def _narrowed(
    query: _Query, match: _Match | None, category: str | None, level: str | None, price: str | None
) -> _Query:
    """`query` limited to published courses that match and pass every filter."""
    query = query.where(col(Course.status) == CourseStatus.PUBLISHED)
    if match is not None:
        query = query.join(match.index, match.on).where(match.where)
    if category:
        slug_id = select(Category.id).where(Category.slug == category).scalar_subquery()
        query = query.where(col(Course.category_id) == slug_id)
    if level:
        query = query.where(col(Course.level) == level)
    if price == "free":
        query = query.where(col(Course.price_cents) == 0)
    elif price == "paid":
        query = query.where(col(Course.price_cents) > 0)
    return query


_SORT_ORDERS: dict[str, Order] = {"rating": "top_rated", "newest": "newest"}


def _sorted(query: Select, sort: str, match: _Match | None) -> Select:
    if sort == "relevance" and match is not None:
        return query.order_by(match.best_first, col(Course.id).desc())
    return _ordered(query, _SORT_ORDERS.get(sort, "popular"))


def search_courses(
    *,
    session: Session,
    actor: Actor | None = None,
    query: str,
    category_slug: str | None = None,
    level: str | None = None,
    price: Price | None = None,
    sort: Sort = "relevance",
    page: int = 1,
    page_size: int = 20,
    browse_all: bool = False,
) -> SearchPage:
    """Published courses matching the words of `query`, best first, one page at a time.

    A blank query with a filter (or `browse_all`) browses; else no words find nothing.

    Args:
        session: The open session (read only).
        actor: Who is looking (page reads pass one); everyone sees the same results.
        query: What was typed in the search box, any length, any characters.
        category_slug: Only courses of this category.
        level: Only courses of this level ("beginner", ...).
        price: "free" or "paid" courses only.
        sort: "relevance" (browsing falls back to "popular"), "rating", "newest", "popular".
        page: 1-based page number.
        page_size: Results per page (1..100).
        browse_all: A blank query with no filter browses everything (the API's list).

    Returns:
        The hits, total and page count; `suggestion` names corrected words used instead.

    Raises:
        InvalidInput: unknown sort, level or price value.
    """
    _check_options(sort, level, price)
    terms = query_terms(query)
    page, size, offset = page_window(page, page_size)
    browsing = not query.strip() and (browse_all or bool(category_slug or level or price))
    if not terms and not browsing:
        return SearchPage([], 0, page, 1, ())
    filters = (category_slug, level, price)
    found = _search_terms(session, terms, filters, sort, (page, size, offset))
    if found.total or not terms:
        return found
    corrected = corrected_terms(session, terms)
    if corrected == terms:
        return found
    retry = _search_terms(session, corrected, filters, sort, (page, size, offset))
    return replace(retry, suggestion=" ".join(corrected)) if retry.total else found


def _search_terms(
    session: Session,
    terms: list[str],
    filters: tuple[str | None, str | None, str | None],
    sort: str,
    window: tuple[int, int, int],
) -> SearchPage:
    """One count and one page of the courses matching every term (or browsing, no terms)."""
    page, size, offset = window
    match = _match_for(session, terms) if terms else None
    count = _narrowed(select(func.count()).select_from(Course), match, *filters)
    total = int(session.exec(count).one())
    hits: list[SearchHit] = []
    if offset < total:
        hits = _page_of_hits(session, match, sort, size, offset, filters)
    return SearchPage(hits, total, page, max(1, math.ceil(total / size)), tuple(terms))


def _page_of_hits(
    session: Session,
    match: _Match | None,
    sort: str,
    size: int,
    offset: int,
    filters: tuple[str | None, str | None, str | None],
) -> list[SearchHit]:
    excerpt = match.excerpt if match is not None else literal_column("''")
    query = _narrowed(_card_query().add_columns(excerpt.label("excerpt")), match, *filters)
    rows = session.execute(_sorted(query, sort, match).limit(size).offset(offset)).all()
    return [_hit(_to_card(row), row.excerpt or "") for row in rows]


def _hit(card: CourseCard, excerpt: str) -> SearchHit:
    segments = highlight_segments(excerpt)
    shown = "".join(f"{SHOWN_START}{t}{SHOWN_END}" if hit else t for t, hit in segments)
    return SearchHit(card=card, highlight=shown, segments=segments)


def strip_markdown(text: str) -> str:
    """`text` without markdown syntax: link and image text stays, markers and URLs go.

    Also handles a link cut off at either edge of an excerpt.
    """
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_CUT_LINK.sub("", text)
    text = _MD_LINE_START.sub(r"\1", text)
    text = _MD_HEADING.sub(r"\1", text)
    return _MD_MARKS.sub("", text)


def highlight_segments(excerpt: str) -> tuple[tuple[str, bool], ...]:
    """Split an engine excerpt into (text, is_match) pieces of plain text.

    HTML tags (also ones cut off at the excerpt's edge), comments and markdown syntax are
    removed, spaces collapsed, and any marker without a partner dropped.
    """
    segments: list[tuple[str, bool]] = []
    for piece in _MARKED.split(strip_markdown(_TAG.sub(" ", excerpt))):
        is_match = piece.startswith(_MARK_START) and piece.endswith(_MARK_END)
        piece = _SPACES.sub(" ", piece.replace(_MARK_START, "").replace(_MARK_END, ""))
        if piece:
            segments.append((piece, is_match))
    if segments:  # no spaces at the very start or end
        segments[0] = (segments[0][0].lstrip(), segments[0][1])
        segments[-1] = (segments[-1][0].rstrip(), segments[-1][1])
    return tuple((piece, is_match) for piece, is_match in segments if piece)
