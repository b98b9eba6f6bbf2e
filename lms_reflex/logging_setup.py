"""Logging: UTC timestamps, one line per event, JSON in prod for log shippers."""

from __future__ import annotations

import json
import logging
import time

from lms_reflex.settings import get_settings


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload)


def configure_logging() -> None:
    """Send our loggers to stderr once, with UTC times (idempotent)."""
    logger = logging.getLogger("lms_reflex")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    if get_settings().is_prod:
        formatter: logging.Formatter = _JsonFormatter("%(asctime)sZ")
    else:
        formatter = logging.Formatter("%(asctime)sZ %(levelname)s %(name)s %(message)s")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
