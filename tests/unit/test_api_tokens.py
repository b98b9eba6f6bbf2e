"""API tokens (docs/security.md case 54): what is refused, rotation, reuse, revocation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlmodel import Session, select

from lms_reflex.db import session_scope
from lms_reflex.models import ApiSession, AuditEvent, Role, User, utcnow
from lms_reflex.services.accounts import api_devices, api_tokens, password_reset, sessions, sign_in
from lms_reflex.services.accounts.own_account import change_password
from lms_reflex.services.actor import Actor
from lms_reflex.services.admin.users import change_role, deactivate_user
from lms_reflex.services.errors import InvalidInput, NotSignedIn
from tests.unit.conftest import Clock, MadeUser

IP = "203.0.113.7"


@pytest.fixture
def pair_for(run) -> Callable[..., api_tokens.TokenPair]:
    def sign(user: MadeUser, device: str = "Test phone") -> api_tokens.TokenPair:
        return run(
            api_tokens.sign_in, email=user.email, password=user.password, ip=IP, device_name=device
        )

    return sign


def _who(session: Session, token: str) -> Actor:
    return api_tokens.actor_for_access_token(session=session, token=token)


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_sign_in_gives_a_pair_that_works(session, make_user, pair_for) -> None:
    user = make_user()
    pair = pair_for(user)
    assert _who(session, pair.access_token).id == user.id
    claims = _claims(pair.access_token)
    assert set(api_tokens.REQUIRED_CLAIMS) <= set(claims)
    assert claims["exp"] - claims["iat"] == 600 and claims["sid"] == pair.session_id
    stored = session.exec(select(ApiSession)).one()
    assert stored.device_name == "Test phone" and stored.user_id == user.id


def test_refresh_token_is_stored_only_as_a_hash(session, make_user, pair_for) -> None:
    pair = pair_for(make_user())
    dump = "\n".join(line for line in session.connection().connection.iterdump())
    assert pair.refresh_token not in dump and pair.access_token not in dump


@pytest.mark.parametrize("bad", ["wrong password", None, 12])
def test_wrong_password_gets_no_tokens(run, make_user, bad) -> None:
    user = make_user()
    with pytest.raises(InvalidInput, match="incorrect"):
        run(api_tokens.sign_in, email=user.email, password=bad, ip=IP, device_name="x")


def test_unverified_and_deactivated_get_the_wrong_password_answer(run, session, make_user) -> None:
    unverified = make_user(verified=False)
    admin, gone = make_user(role=Role.ADMIN), make_user()
    run(deactivate_user, actor=Actor.of(session.get(User, admin.id)), user_id=gone.id)
    for user in (unverified, gone):
        with pytest.raises(InvalidInput) as refused:
            run(
                api_tokens.sign_in,
                email=user.email,
                password=user.password,
                ip=IP,
                device_name="x",
            )
        assert refused.value.message == sign_in.BAD_LOGIN


def test_expired_token_is_refused_after_the_leeway(session, make_user, pair_for) -> None:
    pair = pair_for(make_user())
    user = session.get(User, _who(session, pair.access_token).id)
    assert user is not None
    lifetime = api_tokens.ACCESS_LIFETIME.total_seconds()
    # PyJWT reads the real clock, so the tokens are minted in the past instead.
    within = utcnow() - timedelta(seconds=lifetime + api_tokens.LEEWAY_S - 3)
    assert _who(session, api_tokens.mint_access_token(user, pair.session_id, now=within))
    past = utcnow() - timedelta(seconds=lifetime + api_tokens.LEEWAY_S + 2)
    with pytest.raises(NotSignedIn):
        _who(session, api_tokens.mint_access_token(user, pair.session_id, now=past))


def test_tampered_token_is_refused(session, make_user, pair_for) -> None:
    pair = pair_for(make_user())
    header, payload, signature = pair.access_token.split(".")
    claims = _claims(pair.access_token) | {"role": Role.ADMIN}
    with pytest.raises(NotSignedIn):
        _who(session, f"{header}.{_b64(claims)}.{signature}")
    flipped = signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")
    with pytest.raises(NotSignedIn):
        _who(session, f"{header}.{payload}.{flipped}")


def test_alg_none_is_refused(session, make_user, pair_for) -> None:
    pair = pair_for(make_user())
    claims = _claims(pair.access_token)
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    with pytest.raises(NotSignedIn):
        _who(session, unsigned)


def test_rs256_signed_with_a_public_key_as_hmac_secret_is_refused(
    session, make_user, pair_for
) -> None:
    """Algorithm confusion: an attacker who knows a public key signs HS256/RS256 with it."""
    pair = pair_for(make_user())
    claims = _claims(pair.access_token)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    rs256 = jwt.encode(claims, private, algorithm="RS256")
    header = _b64({"alg": "HS256", "typ": "JWT"})
    body = f"{header}.{_b64(claims)}"
    mac = hmac.new(public_pem, body.encode(), hashlib.sha256).digest()
    for forged in (rs256, f"{body}.{_b64(mac)}"):
        with pytest.raises(NotSignedIn):
            _who(session, forged)


@pytest.mark.parametrize("claim", ["aud", "iss"])
def test_wrong_audience_or_issuer_is_refused(session, make_user, pair_for, claim) -> None:
    pair = pair_for(make_user())
    claims = _claims(pair.access_token) | {claim: "https://elsewhere.example"}
    forged = jwt.encode(claims, api_tokens._key(), algorithm="HS256")
    with pytest.raises(NotSignedIn):
        _who(session, forged)


def test_a_token_missing_a_claim_is_refused(session, make_user, pair_for) -> None:
    pair = pair_for(make_user())
    claims = _claims(pair.access_token)
    del claims["sid"]
    with pytest.raises(NotSignedIn):
        _who(session, jwt.encode(claims, api_tokens._key(), algorithm="HS256"))


def test_token_dies_at_once_after_password_change(run, session, make_user, pair_for) -> None:
    user = make_user()
    pair = pair_for(user)
    run(
        change_password,
        actor_id=user.id,
        current_password=user.password,
        new_password="another long passphrase 42",
        keep_token=None,
    )
    with pytest.raises(NotSignedIn):
        _who(session, pair.access_token)
    with pytest.raises(NotSignedIn):
        run(api_tokens.refresh, refresh_token=pair.refresh_token)


def test_token_dies_after_password_reset(run, session, make_user, pair_for) -> None:
    user = make_user()
    pair = pair_for(user)
    mail = run(password_reset.request_password_reset, email=user.email, ip=IP)
    token = parse_qs(urlsplit(mail.link).query)["token"][0]
    run(
        password_reset.reset_password,
        email=user.email,
        token=token,
        new_password="another long passphrase 42",
        ip=IP,
    )
    with pytest.raises(NotSignedIn):
        _who(session, pair.access_token)


def test_token_dies_after_deactivation(run, session, make_user, pair_for) -> None:
    admin, user = make_user(role=Role.ADMIN), make_user()
    pair = pair_for(user)
    run(deactivate_user, actor=Actor.of(session.get(User, admin.id)), user_id=user.id)
    with pytest.raises(NotSignedIn):
        _who(session, pair.access_token)


def test_token_dies_after_role_change(run, session, make_user, pair_for) -> None:
    admin, teacher = make_user(role=Role.ADMIN), make_user(role=Role.INSTRUCTOR)
    pair = pair_for(teacher)
    assert _who(session, pair.access_token).role == Role.INSTRUCTOR
    run(
        change_role,
        actor=Actor.of(session.get(User, admin.id)),
        user_id=teacher.id,
        role=Role.STUDENT,
    )
    with pytest.raises(NotSignedIn):
        _who(session, pair.access_token)
    fresh = pair_for(teacher)
    assert _who(session, fresh.access_token).role == Role.STUDENT


def test_sign_out_everywhere_ends_api_access(run, session, make_user, pair_for) -> None:
    user = make_user()
    pairs = [pair_for(user, "phone"), pair_for(user, "laptop")]
    run(sessions.revoke_all_sessions, user_id=user.id)
    for pair in pairs:
        with pytest.raises(NotSignedIn):
            _who(session, pair.access_token)


def test_refresh_rotates(run, session, make_user, pair_for) -> None:
    user = make_user()
    first = pair_for(user)
    second = run(api_tokens.refresh, refresh_token=first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.session_id == first.session_id
    assert _who(session, second.access_token).id == user.id
    third = run(api_tokens.refresh, refresh_token=second.refresh_token)
    assert _who(session, third.access_token).id == user.id


def test_reuse_revokes_the_whole_family_and_is_audited(run, session, make_user, pair_for) -> None:
    user = make_user()
    stolen = pair_for(user)
    other_device = pair_for(user, "laptop")
    honest = run(api_tokens.refresh, refresh_token=stolen.refresh_token)
    with pytest.raises(NotSignedIn):
        run(api_tokens.refresh, refresh_token=stolen.refresh_token, ip=IP)
    with pytest.raises(NotSignedIn):  # the family is gone: the honest newer token too
        run(api_tokens.refresh, refresh_token=honest.refresh_token)
    with pytest.raises(NotSignedIn):
        _who(session, honest.access_token)
    assert _who(session, other_device.access_token).id == user.id  # other families live on
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "api_refresh_reused")).one()
    assert event.actor_id == user.id and event.ip == IP


def test_family_expires_thirty_days_after_sign_in(run, make_user, pair_for, clock: Clock) -> None:
    pair = pair_for(make_user())
    for _ in range(3):  # rotation never extends the absolute lifetime
        clock.advance(days=9)
        pair = run(api_tokens.refresh, refresh_token=pair.refresh_token)
    clock.advance(days=3, seconds=1)
    with pytest.raises(NotSignedIn):
        run(api_tokens.refresh, refresh_token=pair.refresh_token)


@pytest.mark.parametrize("junk", ["", "x" * 500, None, 5, "not-a-token"])
def test_junk_refresh_tokens_are_refused(run, junk) -> None:
    with pytest.raises(NotSignedIn):
        run(api_tokens.refresh, refresh_token=junk)


def test_logout_ends_only_this_device(run, session, make_user, pair_for) -> None:
    user = make_user()
    phone, laptop = pair_for(user, "phone"), pair_for(user, "laptop")
    actor = _who(session, phone.access_token)
    assert run(api_tokens.end_family, actor=actor, session_id=phone.session_id)
    with pytest.raises(NotSignedIn):
        _who(session, phone.access_token)
    assert _who(session, laptop.access_token).id == user.id


def test_devices_list_and_revoke_only_ones_own(run, session, make_user, pair_for) -> None:
    alice, bob = make_user(), make_user()
    pair_for(alice, "phone\x00\u202e evil")
    bobs = pair_for(bob, "bob's laptop")
    alice_actor = Actor.of(session.get(User, alice.id))
    devices = run(api_devices.list_devices, actor=alice_actor)
    assert [d.device_name for d in devices] == ["phone evil"]
    for forged in (bobs.session_id, "1", True, -1, 2**31, 2**63):
        with pytest.raises(InvalidInput):
            run(api_devices.revoke_device, actor=alice_actor, device_id=forged)
    assert _who(session, bobs.access_token).id == bob.id
    run(api_devices.revoke_device, actor=alice_actor, device_id=devices[0].id)
    assert run(api_devices.list_devices, actor=alice_actor) == []
    with pytest.raises(NotSignedIn):
        run(api_devices.list_devices, actor=None)


def race_refreshes(refresh_token: str, *, clients: int) -> list[object]:
    """Present one refresh token from `clients` threads at once, each in its own transaction."""
    barrier = threading.Barrier(clients)
    outcomes: list[object] = [None] * clients

    def present(i: int) -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                outcomes[i] = api_tokens.refresh(session=db, refresh_token=refresh_token)
        except BaseException as exc:  # recorded, so the test names what went wrong
            outcomes[i] = exc

    threads = [threading.Thread(target=present, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def check_one_racing_refresh_wins(refresh_token: str) -> None:
    """Eight copies of one token race: one new pair, seven refusals, and the family ends."""
    outcomes = race_refreshes(refresh_token, clients=8)
    pairs = [o for o in outcomes if isinstance(o, api_tokens.TokenPair)]
    refused = [o for o in outcomes if isinstance(o, NotSignedIn)]
    assert (len(pairs), len(refused)) == (1, 7), outcomes
    with session_scope() as db, pytest.raises(NotSignedIn):
        api_tokens.refresh(session=db, refresh_token=pairs[0].refresh_token)


def test_racing_refreshes_of_one_token_make_one_pair_and_end_the_family(
    make_user, pair_for
) -> None:
    check_one_racing_refresh_wins(pair_for(make_user()).refresh_token)
