"""Labels shown to people (prices, durations, dates), computed in one place."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

from lms_reflex.settings import get_settings

# Labels are written in English everywhere else, so money is too.
_LOCALE = "en_US"


def site_currency() -> str:
    """The one currency every price and order is in (LMS_CURRENCY)."""
    return get_settings().currency


def major_units(amount_minor: int, currency: str | None = None) -> Decimal:
    """Minor units as an exact decimal amount (1999 cents -> 19.99) for CSV files."""
    code = currency or site_currency()
    return Decimal(amount_minor).scaleb(-get_currency_precision(code))


def money_label(amount_minor: int, currency: str | None = None) -> str:
    """An amount in minor units (cents) as people read it, e.g. '$19.99', '¥500', '€5.00'.

    Integer minor units are the only stored form (docs/architecture.md, "Payments"); the
    number of decimals comes from ISO 4217 through Babel, so JPY has none.
    """
    code = currency or site_currency()
    return format_currency(major_units(amount_minor, code), code, locale=_LOCALE)


def price_label(price_minor: int) -> str:
    """'Free' for 0, else the amount in the site currency."""
    if price_minor <= 0:
        return "Free"
    return money_label(price_minor)


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
