"""Send one Reflex event by hand from a real browser page, as an attacker's tab could.

The page supplies the real Origin header and cookies; the event is written straight onto
the websocket (Engine.IO v4 / Socket.IO framing, namespace /_event), bypassing every button
and form.
"""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Page

_JS = """
async ([url, events, barrierName, marker]) => await new Promise((resolve) => {
  const ws = new WebSocket(url);
  const updates = [];
  let done = false;
  const finish = (why) => {
    if (done) return;
    done = true;
    try { ws.close(); } catch (e) {}
    resolve({ why, updates });
  };
  const NS = "/_event,";
  const send = (event) => ws.send("42" + NS + JSON.stringify(["event", event]));
  setTimeout(() => finish("timeout"), 15000);
  ws.onmessage = (msg) => {
    const data = String(msg.data);
    if (data === "2") { ws.send("3"); return; }
    if (data.startsWith("0")) { ws.send("40" + NS); return; }
    if (data.startsWith("40" + NS)) {
      events.forEach(send);
      const path = "/search?q=" + marker;
      send({ name: barrierName, payload: {},
             router_data: { pathname: "/search", asPath: path, query: { q: marker } } });
      return;
    }
    if (data.startsWith("42" + NS)) {
      if (data.includes(marker)) { finish("barrier"); return; }
      updates.push(JSON.parse(data.slice(2 + NS.length))[1]);
    }
  };
  ws.onerror = () => finish("error");
  ws.onclose = () => finish("closed");
});
"""


def full_handler_name(handler: str) -> str:
    """'SettingsState.change_password' -> the name Reflex routes events by."""
    import reflex as rx

    import lms_reflex.lms_reflex  # noqa: F401

    state_name, method = handler.split(".", 1)
    todo = [rx.State]
    while todo:
        cls = todo.pop()
        if cls.__name__ == state_name and cls.__module__.startswith("lms_reflex."):
            return f"{cls.get_full_name()}.{method}"
        todo.extend(cls.get_substates())
    raise KeyError(handler)


Step = tuple[str, dict[str, Any], str, dict[str, str]]
"""One event sent before the forged one: (handler, payload, path, route query)."""


def _event(handler: str, payload: dict[str, Any], path: str, query: dict[str, str]) -> dict:
    router = {"pathname": path, "asPath": path, "query": query}
    return {"name": full_handler_name(handler), "payload": payload, "router_data": router}


def send_event(
    page: Page,
    base_url: str,
    handler: str,
    payload: dict[str, Any],
    path: str = "/",
    *,
    before: list[Step] = (),
    token: str | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Send `handler(**payload)` and return the updates the server sent back for it.

    `before` events go first on the same socket, as a tab that opened a page (e.g. the
    builder of someone else's course) before forging; `query` holds the route arguments
    of the forged event's page; `token` picks the tab's state.
    A last, harmless event (a search for a unique marker) follows on the same socket;
    one client's events are handled in order, so when the marker comes back every update
    of the forged event has arrived. Reflex 0.9+ has no "final" flag to wait for instead.
    """
    ws_url = base_url.replace("http", "ws", 1) + (
        f"/_event/?EIO=4&transport=websocket&token={token or uuid.uuid4()}"
    )
    marker = f"barrier{uuid.uuid4().hex}"
    events = [_event(*step) for step in before] + [_event(handler, payload, path, query or {})]
    args = [ws_url, events, full_handler_name("SearchState.load"), marker]
    result = page.evaluate(_JS, args)
    assert result["why"] == "barrier", f"{handler}: reply never completed ({result['why']})"
    return result
