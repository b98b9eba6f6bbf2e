"""/api/v1/docs: the OpenAPI document as one plain HTML page.

Swagger UI would need scripts from a CDN, which the site's Content-Security-Policy
(api/security_headers.py) does not allow and a self-hosted install may not reach. This page
is drawn on the server from the same document, with no script at all.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.responses import HTMLResponse

_METHODS = ("get", "post", "put", "patch", "delete")


def _parameters(operation: dict[str, Any]) -> str:
    rows = [
        f"<li><code>{escape(p['name'])}</code> ({escape(p['in'])})"
        f"{' required' if p.get('required') else ''}</li>"
        for p in operation.get("parameters", [])
    ]
    if "requestBody" in operation:
        rows.append("<li>JSON body (see the schema in openapi.json)</li>")
    return f"<ul>{''.join(rows)}</ul>" if rows else ""


def _operation(path: str, method: str, operation: dict[str, Any]) -> str:
    summary = escape(operation.get("summary", ""))
    description = escape(operation.get("description", "")).replace("\n\n", "</p><p>")
    codes = ", ".join(escape(str(code)) for code in operation.get("responses", {}))
    return (
        f"<section><h3><code>{method.upper()} /api/v1{escape(path)}</code></h3>"
        f"<p><strong>{summary}</strong></p><p>{description}</p>"
        f"{_parameters(operation)}<p>Answers: {codes}</p></section>"
    )


def render_docs(openapi: dict[str, Any]) -> HTMLResponse:
    """Every operation of the document: method, path, summary, parameters, status codes."""
    sections = [
        _operation(path, method, item[method])
        for path, item in openapi.get("paths", {}).items()
        for method in _METHODS
        if method in item
    ]
    title = escape(openapi.get("info", {}).get("title", "API"))
    body = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        "</head><body><main>"
        f"<h1>{title}</h1><p>The machine-readable document is "
        "<a href='/api/v1/openapi.json'>openapi.json</a>. Send the access token from "
        "<code>POST /api/v1/auth/token</code> as <code>Authorization: Bearer ...</code>; "
        "errors are <code>application/problem+json</code> (RFC 9457).</p>"
        f"{''.join(sections)}</main></body></html>"
    )
    return HTMLResponse(body)
