"""/api/v1/auth over HTTP: tokens, refresh rotation and reuse, sign-out, problems, throttles."""

from __future__ import annotations

from starlette.testclient import TestClient

from lms_reflex.services.accounts import throttles
from tests.integration.api.conftest import API

PROBLEM = "application/problem+json"


def test_token_refresh_logout_journey(client: TestClient, sign_in) -> None:
    me = sign_in()
    assert client.get(f"{API}/me", headers=me.headers).json()["id"] == me.user.id
    resp = client.post(f"{API}/auth/refresh", json={"refresh_token": me.refresh})
    assert resp.status_code == 200 and resp.headers["cache-control"] == "no-store"
    fresh = resp.json()
    assert fresh["refresh_token"] != me.refresh and fresh["token_type"] == "Bearer"
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    devices = client.get(f"{API}/me/devices", headers=headers).json()
    assert [d["device_name"] for d in devices] == ["pytest"]
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    refused = client.get(f"{API}/me", headers=headers)
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.json()["type"] == "/api/v1/problems/not-signed-in"


def test_refresh_reuse_ends_the_family(client: TestClient, sign_in) -> None:
    me = sign_in()
    first = client.post(f"{API}/auth/refresh", json={"refresh_token": me.refresh}).json()
    again = client.post(f"{API}/auth/refresh", json={"refresh_token": me.refresh})
    assert again.status_code == 401
    later = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert later.status_code == 401
    headers = {"Authorization": f"Bearer {first['access_token']}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_logout_all_ends_every_device(client: TestClient, sign_in) -> None:
    me = sign_in()
    second = client.post(
        f"{API}/auth/token", json={"email": me.user.email, "password": me.user.password}
    ).json()
    assert client.post(f"{API}/auth/logout-all", headers=me.headers).status_code == 204
    for token in (me.access, second["access_token"]):
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_wrong_password_unverified_and_unknown_look_the_same(client: TestClient, make_user) -> None:
    user = make_user()
    unverified = make_user(verified=False)
    answers = [
        client.post(f"{API}/auth/token", json={"email": email, "password": password})
        for email, password in (
            (user.email, "wrong password"),
            (unverified.email, unverified.password),
            ("nobody@example.org", "whatever it is"),
        )
    ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.json()["detail"] for a in answers}) == 1
    assert answers[0].json()["type"] == "/api/v1/problems/invalid-credentials"


def test_api_sign_in_shares_the_web_throttle(client: TestClient, make_user) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT + 1):
        client.post(f"{API}/auth/token", json={"email": user.email, "password": "nope nope"})
    resp = client.post(f"{API}/auth/token", json={"email": user.email, "password": user.password})
    assert resp.status_code == 429
    assert int(resp.headers["retry-after"]) >= 1
    assert "Try again in" in resp.json()["detail"]


def test_refresh_is_rate_limited_per_user(client: TestClient, sign_in, monkeypatch) -> None:
    from lms_reflex.services.accounts import api_tokens

    monkeypatch.setattr(api_tokens, "REFRESHES_PER_WINDOW", 3)
    me = sign_in()  # the sign-in's token counts as one
    token = me.refresh
    for _ in range(2):
        token = client.post(f"{API}/auth/refresh", json={"refresh_token": token}).json()[
            "refresh_token"
        ]
    resp = client.post(f"{API}/auth/refresh", json={"refresh_token": token})
    assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1


def test_a_bad_authorization_header_is_401_never_500(client: TestClient) -> None:
    for header in ("Bearer", "Bearer x.y.z", "Basic abc", "Bearer " + "a" * 5000, "bearer \x7f"):
        resp = client.get(f"{API}/me", headers={"Authorization": header})
        assert resp.status_code == 401, header
        assert resp.headers["content-type"] == PROBLEM


def test_another_scheme_counts_as_no_token_on_public_routes(client: TestClient) -> None:
    basic = {"Authorization": "Basic c3RhZ2luZzpwYXNz"}  # a staging proxy's password
    assert client.get(f"{API}/categories", headers=basic).status_code == 200
    assert client.get(f"{API}/categories", headers={"Authorization": "Bearer x"}).status_code == 401
