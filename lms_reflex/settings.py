"""Typed settings read from the LMS_* environment variables: the one place configuration lives."""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from babel.numbers import list_currencies
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lms_reflex.net import Network, cached_networks, parse_networks
from lms_reflex.services.validation import has_control_chars

PRODUCT_NAME = "lms_reflex"
MAX_SITE_NAME = 60
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
LOGO_ROUTE = "/api/site/logo"
_MIN_SECRET_LEN = 32


class ConfigError(RuntimeError):
    """A configuration problem a person can fix; the message names the variable."""


class Settings(BaseSettings):
    """The configuration contract (README, "Configuration"); every field maps to LMS_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="LMS_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    database_url: str = "sqlite:///data/lms.db"
    secret_key: SecretStr | None = None
    base_url: str = "http://localhost:3000"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "no-reply@localhost"
    mail_outbox: Path = Path("data/outbox")
    media_dir: Path = Path("data/media")
    max_upload_mb: int = Field(default=2048, ge=1)
    redis_url: str | None = None
    # When nginx serves LMS_MEDIA_DIR at this internal location, the media route checks
    # access and answers with X-Accel-Redirect instead of streaming the file itself.
    media_accel_redirect: str | None = None
    data_dir: Path = Path("data")
    # Proxies (addresses or CIDRs, comma separated) whose X-Forwarded-For / Forwarded
    # header names the client; from anyone else the header is ignored. Default: none.
    trusted_proxies: str = ""
    # The name people see in the header, page titles, mails and the footer.
    site_name: str = PRODUCT_NAME
    # Payments (docs/architecture.md, "Payments"): one site currency, ISO 4217.
    currency: str = "USD"
    # Stripe Checkout is on when both keys are set; bank transfer is always offered.
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    # Tests point the stripe library at a local stand-in (tests/stripe_standin.py).
    stripe_api_base: str | None = None
    bank_instructions: str = "Pay by bank transfer; quote the order reference."
    # Printed on receipts.
    legal_name: str = PRODUCT_NAME
    legal_address: str = ""
    # Optional logo (a PNG or SVG file) shown beside the name; served at /api/site/logo.
    site_logo: Path | None = None
    # Lesson Q&A: the instructor's digest of new questions goes out this long after the
    # first question since the last digest (docs/architecture.md, "Lesson Q&A").
    question_digest_delay_s: float = Field(default=300.0, ge=0)

    @field_validator("base_url")
    @classmethod
    def _base_url_is_absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must look like https://lms.example.org")
        return value.rstrip("/")

    @field_validator("media_accel_redirect")
    @classmethod
    def _accel_is_a_location(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not (value.startswith("/") and value.endswith("/")) or "//" in value:
            raise ValueError("must be an nginx location such as /_protected_media/")
        return value

    @field_validator("site_name")
    @classmethod
    def _site_name_is_a_short_line(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > MAX_SITE_NAME:
            raise ValueError(f"must be 1 to {MAX_SITE_NAME} characters")
        if has_control_chars(value):
            raise ValueError("must be one line without control characters")
        return value

    @field_validator("currency")
    @classmethod
    def _currency_is_iso(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in list_currencies():
            raise ValueError("must be an ISO 4217 currency code such as USD or EUR")
        return value

    @field_validator("site_logo", mode="before")
    @classmethod
    def _site_logo_is_a_picture(cls, value: object) -> Path | None:
        if value in (None, ""):
            return None
        path = Path(str(value))
        if path.suffix.lower() not in LOGO_TYPES:
            raise ValueError("must be a .png or .svg file")
        if not path.is_file():
            raise ValueError(f"no file at {path}")
        return path

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        parse_networks(value)  # raises ValueError naming the bad item
        return value

    @property
    def trusted_networks(self) -> tuple[Network, ...]:
        """LMS_TRUSTED_PROXIES parsed (once per value)."""
        return cached_networks(self.trusted_proxies)

    @property
    def stripe_enabled(self) -> bool:
        """Stripe Checkout is offered only when both of its secrets are configured."""
        return bool(self.stripe_secret_key and self.stripe_webhook_secret)

    @property
    def is_prod(self) -> bool:
        """Whether the stricter production rules apply."""
        return self.env == "prod"

    @property
    def base_origin(self) -> str:
        """The scheme://host[:port] of LMS_BASE_URL, used for CORS and cookies."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def secure_cookies(self) -> bool:
        """Cookies get Secure and the __Host- prefix only when the site is served over https."""
        return self.base_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        """SQLite needs pragmas and its own locking strategy."""
        return self.database_url.startswith("sqlite")

    @property
    def max_upload_bytes(self) -> int:
        """The upload cap in bytes, enforced while streaming."""
        return self.max_upload_mb * 1024 * 1024

    def secret(self) -> bytes:
        """The HMAC key for OTPs and signed URLs.

        In dev a random key is generated once into data/ so restarts keep codes valid;
        prod must be given one (checked in `check`).
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return _dev_secret(self.data_dir.resolve()).encode()

    def check(self) -> None:
        """Refuse settings that would be unsafe in production.

        Raises:
            ConfigError: naming the variable to fix.
        """
        self._check_stripe()
        if not self.is_prod:
            return
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if len(key) < _MIN_SECRET_LEN:
            raise ConfigError(
                f"LMS_SECRET_KEY is required when LMS_ENV=prod "
                f"(at least {_MIN_SECRET_LEN} random characters)"
            )
        if not self.secure_cookies and "localhost" not in self.base_url:
            raise ConfigError(
                "LMS_BASE_URL must be https:// when LMS_ENV=prod (session cookies need Secure)"
            )

    def _check_stripe(self) -> None:
        """Half a Stripe configuration would take card payments that never get confirmed."""
        if bool(self.stripe_secret_key) == bool(self.stripe_webhook_secret):
            return
        missing = "WEBHOOK_SECRET" if self.stripe_secret_key else "SECRET_KEY"
        raise ConfigError(f"LMS_STRIPE_{missing} is required when the other Stripe key is set")


@functools.cache
def _dev_secret(data_dir: Path) -> str:
    """Read the dev key, creating it first if no worker has yet.

    Several workers may start at once: each writes a candidate to its own temp file and
    links it into place; os.link fails when another won, and everybody then reads the one
    file, so every worker signs with the same key (a code mailed by one checks on another).
    """
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        candidate = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        candidate.touch(mode=0o600)
        try:
            candidate.write_text(secrets.token_urlsafe(48))
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink(missing_ok=True)
    return path.read_text().strip()


@functools.cache
def get_settings() -> Settings:
    """Read and check the settings once per process.

    Raises:
        ConfigError: when a variable has a bad value or prod rules are broken.
    """
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        raise ConfigError(f"LMS_{field.upper()}: {first['msg']}") from None
    settings.check()
    return settings


def reset_settings_cache() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
