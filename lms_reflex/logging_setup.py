"""Logging: UTC timestamps, one line per event, JSON in prod for log shippers."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime
from typing import Any

from lms_reflex.settings import get_settings

# Attributes every LogRecord has; anything else came from `extra=` and is worth keeping.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _iso_utc(created: float) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2026-01-31T12:00:00.123Z."""
    stamp = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, worker pid and any extras.

    The pid tells which backend worker wrote a line when several run behind one port.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render the record; values JSON cannot hold are written with str()."""
        payload: dict[str, Any] = {
            "time": _iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": os.getpid(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def build_handler(*, json_lines: bool) -> logging.Handler:
    """A stderr handler with UTC times: JSON lines for prod, readable text for dev."""
    handler = logging.StreamHandler()
    if json_lines:
        formatter: logging.Formatter = JsonFormatter()
    else:
        formatter = logging.Formatter("%(asctime)sZ %(levelname)s %(name)s %(message)s")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    return handler


def configure_logging() -> None:
    """Send our loggers to stderr once, with UTC times (idempotent)."""
    logger = logging.getLogger("lms_reflex")
    if logger.handlers:
        return
    logger.addHandler(build_handler(json_lines=get_settings().is_prod))
    logger.setLevel(logging.INFO)
    logger.propagate = False
