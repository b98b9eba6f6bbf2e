"""A local stand-in for the few Stripe endpoints lms_reflex uses, for tests only.

It speaks the wire format of the official `stripe` library (form-encoded requests, JSON
answers), which is pointed at it with LMS_STRIPE_API_BASE:

- POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id}, POST /v1/refunds;
- GET /pay/{id}: a hosted "checkout page" with a Pay button; POST /pay/{id} marks the
  session paid, sends the signed `checkout.session.completed` webhook to `webhook_url`
  (header `Stripe-Signature: t=<ts>,v1=<hex hmac-sha256 of "<ts>.<payload>">`, Stripe's
  scheme) and redirects to the session's success_url.

It is not Stripe: live Stripe was not exercised here (README, "Payments").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

WEBHOOK_SECRET = "whsec_standin_secret_for_tests_only"
SECRET_KEY = "sk_test_standin"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header value for `payload`."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Rebuild Stripe's form encoding (a[b][0][c]=v) into dicts; list indexes stay keys."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return root


@dataclass
class StripeStandin:
    """The server and what it saw; start() before use, stop() after."""

    webhook_url: str | None = None
    webhook_secret: str = WEBHOOK_SECRET
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[int] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StripeStandin:
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- what the API endpoints do -------------------------------------------------------

    def create_session(self, form: dict[str, Any]) -> dict[str, Any]:
        items = form.get("line_items", {}).values()
        amount = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
        currency = next(iter(items), {}).get("price_data", {}).get("currency", "usd")
        session_id = f"cs_test_{secrets.token_hex(12)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.base_url}/pay/{session_id}",
            "amount_total": amount,
            "currency": currency,
            "client_reference_id": form.get("client_reference_id"),
            "metadata": form.get("metadata", {}),
            "success_url": form.get("success_url", ""),
            "payment_status": "unpaid",
            "status": "open",
            "payment_intent": None,
            "line_items_titles": [i["price_data"]["product_data"]["name"] for i in items],
        }
        self.sessions[session_id] = session
        return session

    def create_refund(self, form: dict[str, Any]) -> dict[str, Any]:
        refund = {
            "id": f"re_{secrets.token_hex(8)}",
            "object": "refund",
            "amount": int(form["amount"]),
            "payment_intent": form.get("payment_intent"),
            "status": "succeeded",
        }
        self.refunds.append(refund)
        return refund

    # --- what the hosted page and the tests do ------------------------------------------

    def completed_event(
        self, session_id: str, *, event_id: str | None = None, **changes: Any
    ) -> bytes:
        """Mark the session paid and return the `checkout.session.completed` event body."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid")
        session["payment_intent"] = session["payment_intent"] or f"pi_{secrets.token_hex(8)}"
        body = {k: v for k, v in session.items() if k != "line_items_titles"} | changes
        event = {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": "checkout.session.completed",
            "api_version": "2025-01-01",
            "created": int(time.time()),
            "data": {"object": body},
        }
        return json.dumps(event).encode()

    def pay(self, session_id: str) -> str:
        """What the Pay button does: send the signed webhook, answer the success URL."""
        payload = self.completed_event(session_id)
        assert self.webhook_url, "pay() needs webhook_url"
        request = urllib.request.Request(
            self.webhook_url,
            data=payload,
            headers={"Stripe-Signature": sign(payload, self.webhook_secret)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            self.deliveries.append(answer.status)
        return self.sessions[session_id]["success_url"]


class _Handler(BaseHTTPRequestHandler):
    owner: StripeStandin

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        return _nest(parse_qsl(raw, keep_blank_values=True))

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/v1/checkout/sessions/"):
            session = self.owner.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                self._json(404, {"error": {"type": "invalid_request_error", "message": "No such"}})
            else:
                self._json(200, session)
        elif path.startswith("/pay/") and path[5:] in self.owner.sessions:
            self._page(self.owner.sessions[path[5:]])
        else:
            self._json(404, {"error": {"type": "invalid_request_error", "message": "Not found"}})

    def _page(self, session: dict[str, Any]) -> None:
        items = "".join(f"<li>{escape(t)}</li>" for t in session["line_items_titles"])
        total = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
        html = (
            '<!doctype html><html lang="en"><head><title>Stripe stand-in checkout</title></head>'
            f"<body><main><h1>Pay {escape(total)}</h1><ul>{items}</ul>"
            f'<form method="post" action="/pay/{escape(session["id"])}">'
            '<button type="submit">Pay</button></form></main></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.end_headers()
        self.wfile.write(html)

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        form = self._form()
        if path == "/v1/checkout/sessions":
            self._json(200, self.owner.create_session(form))
        elif path == "/v1/refunds":
            self._json(200, self.owner.create_refund(form))
        elif path.startswith("/pay/") and path[5:] in self.owner.sessions:
            target = self.owner.pay(path[5:])
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._json(404, {"error": {"type": "invalid_request_error", "message": "Not found"}})
