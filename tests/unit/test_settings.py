"""Configuration: prod refuses unsafe defaults with one readable line naming the variable."""

from __future__ import annotations

import pytest

from lms_reflex.settings import ConfigError, Settings, get_settings, reset_settings_cache


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path):
    for key in ("LMS_ENV", "LMS_SECRET_KEY", "LMS_BASE_URL", "LMS_MAX_UPLOAD_MB", "LMS_SITE_NAME"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LMS_DATA_DIR", str(tmp_path))
    reset_settings_cache()
    yield
    reset_settings_cache()


def test_prod_without_secret_key_is_refused_naming_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("LMS_ENV", "prod")
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        get_settings()


def test_prod_with_a_short_secret_key_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("LMS_ENV", "prod")
    monkeypatch.setenv("LMS_SECRET_KEY", "changeme")
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        get_settings()


def test_prod_on_a_public_plain_http_url_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("LMS_ENV", "prod")
    monkeypatch.setenv("LMS_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("LMS_BASE_URL", "http://lms.example.org")
    with pytest.raises(ConfigError, match="LMS_BASE_URL"):
        get_settings()


def test_prod_with_a_real_secret_and_https_starts(monkeypatch) -> None:
    monkeypatch.setenv("LMS_ENV", "prod")
    monkeypatch.setenv("LMS_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("LMS_BASE_URL", "https://lms.example.org/")
    settings = get_settings()
    assert settings.base_url == "https://lms.example.org"
    assert settings.secure_cookies


def test_bad_values_name_their_variable(monkeypatch) -> None:
    monkeypatch.setenv("LMS_MAX_UPLOAD_MB", "lots")
    with pytest.raises(ConfigError, match="LMS_MAX_UPLOAD_MB"):
        get_settings()
    reset_settings_cache()
    monkeypatch.setenv("LMS_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("LMS_BASE_URL", "localhost:3000")
    with pytest.raises(ConfigError, match="LMS_BASE_URL"):
        get_settings()


def test_the_site_name_defaults_to_the_product_and_is_trimmed(monkeypatch) -> None:
    assert get_settings().site_name == "lms_reflex"
    reset_settings_cache()
    monkeypatch.setenv("LMS_SITE_NAME", "  Acme Academy  ")
    assert get_settings().site_name == "Acme Academy"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "Acme\nAcademy", "Acme\x1b[31m"])
def test_a_bad_site_name_is_refused_naming_the_variable(monkeypatch, name: str) -> None:
    monkeypatch.setenv("LMS_SITE_NAME", name)
    with pytest.raises(ConfigError, match="LMS_SITE_NAME"):
        get_settings()


def test_dev_secret_is_generated_once_and_kept(tmp_path) -> None:
    first = Settings(data_dir=tmp_path / "a").secret()
    again = Settings(data_dir=tmp_path / "a").secret()
    other = Settings(data_dir=tmp_path / "b").secret()
    assert first == again != other
    assert len(first) >= 48
    assert (tmp_path / "a" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_workers_starting_together_share_one_dev_secret(tmp_path, monkeypatch) -> None:
    """Another worker writes its key between our existence check and ours: we adopt it."""
    from lms_reflex import settings as settings_module

    real_token = settings_module.secrets.token_urlsafe

    def other_worker_wins(n: int) -> str:
        (tmp_path / "c" / "secret_key").write_text("key-of-the-worker-that-won")
        return real_token(n)

    monkeypatch.setattr(settings_module.secrets, "token_urlsafe", other_worker_wins)
    assert Settings(data_dir=tmp_path / "c").secret() == b"key-of-the-worker-that-won"
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["secret_key"]


def test_media_accel_redirect_must_be_an_nginx_location(monkeypatch) -> None:
    monkeypatch.setenv("LMS_MEDIA_ACCEL_REDIRECT", "/var/lib/lms/media")
    with pytest.raises(ConfigError, match="LMS_MEDIA_ACCEL_REDIRECT"):
        get_settings()
    monkeypatch.setenv("LMS_MEDIA_ACCEL_REDIRECT", "/_protected_media/")
    reset_settings_cache()
    assert get_settings().media_accel_redirect == "/_protected_media/"
