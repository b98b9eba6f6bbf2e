"""User text: the one rule for what a text field may hold, and Markdown to safe HTML.

`clean_text` is how every form's free text (course details, lessons, quiz questions,
notes, lesson questions and answers, announcements) is checked before it is stored, so the
refusals read the same everywhere and name the field they belong under.
"""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.validation import has_control_chars

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


def clean_text(
    value: object,
    label: str,
    *,
    max_len: int,
    min_len: int = 0,
    field: str = "",
    multiline: bool = True,
) -> str:
    """Trimmed text with unified line endings, within the length limits.

    `field` names the form input for the refusal (DomainError.field); by default the
    label with underscores ("subtitle", "description"). A single-line field
    (`multiline=False`) refuses tab and newline as well. An empty required field
    (`min_len=1`) is asked for; a longer minimum is stated, even when nothing was typed.

    Raises:
        InvalidInput: when it is not text, empty though required, too short, too long or
            holds control characters.
    """
    field = field or label.replace(" ", "_")
    if not isinstance(value, str):
        raise InvalidInput(f"Please enter the {label} as text.", field=field)
    text = value.replace("\r\n", "\n").strip()
    if min_len == 1 and not text:
        raise InvalidInput(f"Please write the {label}.", field=field)
    if len(text) < min_len:
        raise InvalidInput(f"The {label} needs at least {min_len} characters.", field=field)
    if len(text) > max_len:
        raise InvalidInput(f"The {label} can be at most {max_len:,} characters.", field=field)
    if has_control_chars(text, multiline=multiline):
        raise InvalidInput(f"The {label} contains characters we cannot store.", field=field)
    return text
