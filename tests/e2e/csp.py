"""Collects Content-Security-Policy violations a page meets (docs/security.md, "Response headers").

The policy is enforced, so a violation means something the app needed was blocked. Each
document reports them as `securitypolicyviolation` events, and Chromium also logs them.
"""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Error, Page

COLLECT = """() => { window.__csp = window.__csp || [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
        `${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`)); }"""


class Violations:
    """CSP violations seen by the page (DOM events) and by the console (Chromium's log)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(script=f"({COLLECT})()")
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            self.console.append(text)

    def seen(self) -> list[str]:
        """Every violation so far (the current document's events and the whole log)."""
        try:
            events = self.page.evaluate("() => window.__csp || []")
        except Error:  # closed or mid-navigation: the console log still has them
            events = []
        return [*events, *self.console]

    def check(self) -> None:
        seen = self.seen()
        assert not seen, f"CSP violations on {self.page.url}: {seen}"
