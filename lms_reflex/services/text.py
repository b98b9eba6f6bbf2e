"""User text to safe HTML: markdown rendered on the server, then sanitised with nh3."""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


@functools.lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to insert into a page.

    markdown-it escapes raw HTML (html=False); nh3 then drops anything not on the allow
    list, including javascript: links, so a course description cannot run script.
    The same few descriptions are rendered on every course page and lesson view, so the
    results of this pure function are kept (keyed by the text itself, never stale).
    """
    html = _md.render(text or "")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def contains_pattern(text: str) -> str:
    r"""A lower-case LIKE pattern matching `text` anywhere, literally.

    %, _ and \ are escaped, so search boxes treat them as characters; use it with
    `.like(pattern, escape="\\")` on a lower-cased column.
    """
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
