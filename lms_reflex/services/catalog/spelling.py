"""Spelling help for search: the closest known word to a mistyped one, by trigram similarity.

The vocabulary is the words of published course titles and tags, read with one plain
SELECT and kept for a minute per engine (a new title's words may wait that long to be
suggested; suggestions only rewrite the query, whose results are filtered as usual), and
the similarity is computed here in Python the way PostgreSQL's pg_trgm does it
(each word padded with two spaces before and one after, |shared| / |union| of the
three-letter pieces). Doing it here rather than in pg_trgm and an FTS5 trigram table gives
SQLite and PostgreSQL the very same suggestions without a database extension, and it runs
only after a search found nothing, so found searches cost nothing more.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections import Counter

from sqlalchemy import Connection, Engine
from sqlmodel import Session, col, select

from lms_reflex.models import Course, CourseStatus

#: Lowest similarity that counts as a typo. pg_trgm's default is 0.3, but a swap of two
#: letters in a short word ("pyhton" / "python" = 0.27) falls just under it.
MIN_SIMILARITY = 0.25
MIN_WORD = 3  # shorter words have too few trigrams to compare
_WORD = re.compile(r"[^\W_]+")
VOCABULARY_SECONDS = 60.0
_cache: weakref.WeakKeyDictionary[Engine, tuple[float, Counter[str]]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def trigrams(word: str) -> frozenset[str]:
    """The three-letter pieces of `word` as pg_trgm makes them ("  w", " wo", ..., "rd ")."""
    padded = f"  {word.lower()} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams, the way pg_trgm compares single words."""
    first, second = trigrams(a), trigrams(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def vocabulary(session: Session) -> Counter[str]:
    """Every word of published course titles and tags, with how many courses use it."""
    rows = session.exec(
        select(Course.title, Course.tags).where(col(Course.status) == CourseStatus.PUBLISHED)
    ).all()
    words: Counter[str] = Counter()
    for title, tags in rows:
        text = " ".join([title or "", *(t for t in (tags or []) if isinstance(t, str))])
        words.update(set(_WORD.findall(text.lower())))
    return words


def closest_word(term: str, words: Counter[str]) -> str | None:
    """The known word most like `term`: highest similarity, then most used, then A-Z.

    None when `term` is short, already starts a known word, or nothing is similar enough.
    """
    if len(term) < MIN_WORD or any(word.startswith(term) for word in words):
        return None
    scored = [
        (score, words[word], word)
        for word in words
        if len(word) >= MIN_WORD and (score := similarity(term, word)) >= MIN_SIMILARITY
    ]
    if not scored:
        return None
    return min(scored, key=lambda s: (-s[0], -s[1], s[2]))[2]


def _cached_vocabulary(session: Session) -> Counter[str]:
    """`vocabulary`, read at most once a minute per engine: typos must not cost a table scan."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(engine)
    if cached is not None and now - cached[0] < VOCABULARY_SECONDS:
        return cached[1]
    words = vocabulary(session)
    with _cache_lock:
        _cache[engine] = (now, words)
    return words


def forget_vocabulary() -> None:
    """Drop the cached vocabularies (tests that add courses between searches)."""
    with _cache_lock:
        _cache.clear()


def corrected_terms(session: Session, terms: list[str]) -> list[str]:
    """`terms` with each unknown word replaced by its closest known word, where one exists."""
    words = _cached_vocabulary(session)
    return [closest_word(term, words) or term for term in terms]
