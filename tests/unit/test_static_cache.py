"""The build's content-hashed files are cached for a year; pages and misses are not.

Served by Reflex's own static mount (PrecompressedStaticFiles), as in prod, so the test
fails if the header is missing, lands on an HTML page, or on a 404 that must stay fresh.
"""

from __future__ import annotations

from pathlib import Path

from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from lms_reflex.api.static_cache import IMMUTABLE, cache_hashed_assets


def _client(tmp_path: Path) -> TestClient:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-DUaVwaWh.js").write_text("export const x = 1;")
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>")
    static = PrecompressedStaticFiles(directory=tmp_path, html=True, encodings=["gzip"])
    site = Starlette(routes=[Mount("/", app=static, name="frontend")])
    return TestClient(cache_hashed_assets(site))


def test_a_hashed_asset_is_kept_a_year(tmp_path: Path) -> None:
    answer = _client(tmp_path).get("/assets/index-DUaVwaWh.js")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == IMMUTABLE.decode()
    assert answer.headers.get_list("cache-control") == [IMMUTABLE.decode()]


def test_a_revalidated_asset_stays_immutable(tmp_path: Path) -> None:
    client = _client(tmp_path)
    etag = client.get("/assets/index-DUaVwaWh.js").headers["etag"]
    again = client.get("/assets/index-DUaVwaWh.js", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.headers["cache-control"] == IMMUTABLE.decode()


def test_pages_and_missing_assets_are_not_kept(tmp_path: Path) -> None:
    client = _client(tmp_path)
    home = client.get("/")
    assert home.status_code == 200
    assert "immutable" not in home.headers.get("cache-control", "")
    missing = client.get("/assets/gone-AAAAAAAA.js")
    assert missing.status_code == 404
    assert "cache-control" not in missing.headers
