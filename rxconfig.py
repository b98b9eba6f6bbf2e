"""Reflex configuration, derived from the LMS_* settings so there is one source of truth."""

import os
import sys

import reflex as rx

from lms_reflex.serve import listen_port
from lms_reflex.settings import ConfigError, get_settings

try:
    settings = get_settings()
except ConfigError as exc:  # one readable line instead of a traceback
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None

# The port the single-port server listens on; LMS_BASE_URL may be a proxy in front of it.
_port = listen_port(os.environ)

config = rx.Config(
    app_name="lms_reflex",
    frontend_port=_port,
    backend_port=_port,
    # The browser reaches the backend at the public origin (same port in prod mode).
    api_url=settings.base_url,
    deploy_url=settings.base_url,
    # Only our own origin may open the websocket (docs/security.md case 20).
    cors_allowed_origins=[settings.base_origin],
    # Reflex's own X-Forwarded-For handling believes any peer; LMS_TRUSTED_PROXIES
    # (lms_reflex.net) replaces it, and needs session.client_ip to be the real peer.
    trusted_proxy_hops=0,
    # State is a cache of the database: memory for one worker, Redis for several.
    state_manager_mode="redis" if settings.redis_url else "memory",
    redis_url=settings.redis_url,
    telemetry_enabled=False,
    # Brotli copies next to the gzip ones: fewer bytes for the same files (docs/architecture.md,
    # "Front-end assets").
    frontend_compression_formats=["brotli", "gzip"],
    show_built_with_reflex=False,
    # Indigo keeps white-on-accent button text above WCAG AA contrast (blue does not).
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
