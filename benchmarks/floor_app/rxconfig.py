"""The floor app's Reflex config: one worker, memory state manager, its own port."""

import os

import reflex as rx

PORT = int(os.environ.get("FLOOR_PORT", "3310"))
ORIGIN = f"http://localhost:{PORT}"

config = rx.Config(
    app_name="floor_app",
    frontend_port=PORT,
    backend_port=PORT,
    api_url=ORIGIN,
    deploy_url=ORIGIN,
    cors_allowed_origins=[ORIGIN],
    state_manager_mode="memory",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
)
