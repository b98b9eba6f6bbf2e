"""Labels shown to people (prices, durations, dates), computed in one place."""

from __future__ import annotations

from datetime import datetime

_SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}


def price_label(price_cents: int, currency: str) -> str:
    """'Free' for 0, else the amount with its currency."""
    if price_cents <= 0:
        return "Free"
    amount = f"{price_cents / 100:,.2f}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"


def clock_label(seconds: float) -> str:
    """A lesson length like 4:05 or 1:02:03."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def length_label(seconds: float) -> str:
    """A course or section length like '45 min' or '2 h 5 min'."""
    minutes = max(0, round(seconds / 60))
    if seconds > 0 and minutes == 0:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def date_label(value: datetime | None) -> str:
    """A date like 'March 2026' for 'last updated' lines."""
    return value.strftime("%B %Y") if value else ""


def day_label(value: datetime | None) -> str:
    """A date like '5 March 2026' for reviews."""
    return f"{value.day} {value.strftime('%B %Y')}" if value else ""


def media_url(key: str | None) -> str:
    """The URL our media route serves a stored file at ('' when there is none)."""
    return f"/api/media/{key}" if key else ""
