"""Partial upload files are swept at every start of the app, then every few minutes.

An upload streams into LMS_MEDIA_DIR/.tmp and the file is removed when the request ends;
only a crash or a kill mid-upload leaves one behind, so each worker sweeps at start
(docs/security.md, "Limits"). Only files untouched for a while go: another worker may be
receiving an upload right now, and its file keeps a fresh mtime.
"""

from __future__ import annotations

import asyncio
import logging

from lms_reflex.media import storage

SWEEP_INTERVAL_S = 600.0
log = logging.getLogger("lms_reflex.media")


async def sweep_once() -> int:
    """Remove stale temp files in a worker thread (never on the event loop).

    Returns:
        How many files were removed (0 when the folder could not be read).
    """
    try:
        removed = await asyncio.to_thread(storage.cleanup_temp_files)
    except OSError as exc:
        log.warning("could not sweep temp uploads: %s", exc)
        return 0
    if removed:
        log.info("removed %d stale temp upload file(s)", removed)
    return removed


async def sweep_temp_uploads(interval_s: float = SWEEP_INTERVAL_S) -> None:
    """A lifespan task: sweep now, at start, then every `interval_s` until the app stops."""
    while True:
        await sweep_once()
        await asyncio.sleep(interval_s)
