"""Open Graph and Twitter tags, and the page title, in the HTML of shared pages.

The pages are client-rendered: a crawler fetching a course or certificate link sees the
built HTML shell, whose head knows nothing of the course. This middleware asks a service
for the preview (`services/catalog/share_meta.py` for /courses/<slug>, published courses
only; `services/certificates/share.py` for /certificates/<code>, throttled like the verify
page) and writes it into that head. Other paths, other methods, unknown codes and unknown
or unpublished courses pass through untouched. The answer is read whole before it is sent
(an HTML shell of a few kilobytes): the request goes out without Accept-Encoding and
without the pathsend extension, so the body arrives as plain bytes the middleware can edit.
"""

from __future__ import annotations

import html
import logging
import re

from starlette.requests import Request

from lms_reflex.api.client_ip import request_ip
from lms_reflex.api.upload_limit import ASGIApp, Message, Receive, Scope, Send
from lms_reflex.db import call_service
from lms_reflex.services.catalog.share_meta import ShareMeta, course_share_meta
from lms_reflex.services.certificates.share import certificate_share_meta

_COURSE_PATH = re.compile(r"^/courses/([A-Za-z0-9-]{1,200})/?$")
_CERTIFICATE_PATH = re.compile(r"^/certificates/([A-Za-z0-9-]{1,64})/?$")
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_OLD_SHARE_TAGS = re.compile(r'<meta[^>]*(?:property="og:|name="twitter:)[^>]*/?>')
log = logging.getLogger("lms_reflex.api")
MAX_SHELL_BYTES = 2_000_000  # a built page is far smaller; anything else passes unedited


def meta_tags(meta: ShareMeta) -> str:
    """The head tags for one course, every value escaped for an HTML attribute."""
    tags = [
        ("property", "og:type", "website"),
        ("property", "og:site_name", meta.site_name),
        ("property", "og:title", meta.title),
        ("property", "og:description", meta.summary),
        ("property", "og:url", meta.url),
        ("name", "twitter:card", "summary_large_image" if meta.image_url else "summary"),
        ("name", "twitter:title", meta.title),
        ("name", "twitter:description", meta.summary),
    ]
    if meta.image_url:
        tags += [
            ("property", "og:image", meta.image_url),
            ("property", "og:image:alt", f"Thumbnail of {meta.title}"),
            ("name", "twitter:image", meta.image_url),
        ]
    lines = [
        f'<meta {kind}="{name}" content="{html.escape(value)}"/>' for kind, name, value in tags
    ]
    lines.append(f'<meta name="description" content="{html.escape(meta.summary)}"/>')
    lines.append(f'<link rel="canonical" href="{html.escape(meta.url)}"/>')
    return "".join(lines)


def with_share_meta(page: str, meta: ShareMeta) -> str:
    """The page with the course's title and share tags in its head (unchanged if it has none)."""
    if "</head>" not in page:
        return page
    title = html.escape(f"{meta.title} \u00b7 {meta.site_name}")
    page = _OLD_SHARE_TAGS.sub("", page)
    if _TITLE.search(page):
        page = _TITLE.sub(lambda _: f"<title>{title}</title>", page, count=1)
    else:
        page = page.replace("</head>", f"<title>{title}</title></head>", 1)
    return page.replace("</head>", meta_tags(meta) + "</head>", 1)


def _plain_request(scope: Scope) -> Scope:
    """The same request, asking for an uncompressed body sent as bytes."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
    extensions = {
        k: v for k, v in (scope.get("extensions") or {}).items() if k != "http.response.pathsend"
    }
    return {**scope, "headers": headers, "extensions": extensions}


def _is_html(start: Message) -> bool:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return value.lower().startswith(b"text/html")
    return False


def _edited_answer(start: Message, body: bytes, meta: ShareMeta) -> tuple[Message, bytes]:
    if start.get("status") != 200 or not _is_html(start) or len(body) > MAX_SHELL_BYTES:
        return start, body
    new_body = with_share_meta(body.decode("utf-8", errors="replace"), meta).encode()
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(new_body)).encode()))
    return {**start, "headers": headers}, new_body


async def _send_with_meta(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, meta: ShareMeta
) -> None:
    start: Message | None = None
    chunks: list[bytes] = []

    async def collect(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False) and start is not None:
            head, body = _edited_answer(start, b"".join(chunks), meta)
            await send(head)
            await send({"type": "http.response.body", "body": body, "more_body": False})

    await app(_plain_request(scope), receive, collect)


async def _meta_of(scope: Scope) -> ShareMeta | None:
    """The page's preview; None (the page goes out as built) for other pages or on failure."""
    if scope["type"] != "http" or scope.get("method") != "GET":
        return None
    path = scope.get("path", "")
    try:
        if course := _COURSE_PATH.match(path):
            return await call_service(course_share_meta, readonly=True, slug=course.group(1))
        if certificate := _CERTIFICATE_PATH.match(path):
            ip = request_ip(Request(scope))
            return await call_service(certificate_share_meta, code=certificate.group(1), ip=ip)
    except Exception:
        log.exception("could not read the share tags of %s", path)
    return None


def add_share_meta(app: ASGIApp) -> ASGIApp:
    """Wrap the ASGI app so a published course's or a certificate's page carries its tags."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        meta = await _meta_of(scope)
        if meta is None:
            await app(scope, receive, send)
            return
        await _send_with_meta(app, scope, receive, send, meta)

    return middleware
