"""/auth: tokens for an email and password, refresh, sign-out of one device or all."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from lms_reflex.api.v1.deps import SIGNED_IN, as_user, bearer_token, client_ip
from lms_reflex.api.v1.problems import ApiProblem
from lms_reflex.api.v1.schemas import RefreshRequest, TokenPairOut, TokenRequest
from lms_reflex.db import call_hashing_service, call_service
from lms_reflex.services.accounts import api_tokens, sessions
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import InvalidInput

router = APIRouter(prefix="/auth", tags=["auth"])
_NO_STORE = {"Cache-Control": "no-store"}  # RFC 6749: token answers are never cached


@router.post("/token", response_model=TokenPairOut, responses={401: {}, 422: {}, 429: {}})
async def token(body: TokenRequest, request: Request, response: Response) -> TokenPairOut:
    """Sign in with email and password; the web's sign-in throttles count these tries too."""
    try:
        pair = await call_hashing_service(
            api_tokens.sign_in,
            email=body.email,
            password=body.password,
            ip=client_ip(request),
            device_name=body.device_name or request.headers.get("user-agent", ""),
        )
    except InvalidInput as exc:
        raise ApiProblem(401, "invalid-credentials", "Invalid credentials", exc.message) from None
    response.headers.update(_NO_STORE)
    return TokenPairOut.model_validate(pair, from_attributes=True)


@router.post("/refresh", response_model=TokenPairOut, responses={401: {}, 429: {}})
async def refresh(body: RefreshRequest, request: Request, response: Response) -> TokenPairOut:
    """Trade a refresh token for a new pair; the old one stops working (rotation)."""
    pair = await call_service(
        api_tokens.refresh, refresh_token=body.refresh_token, ip=client_ip(request)
    )
    response.headers.update(_NO_STORE)
    return TokenPairOut.model_validate(pair, from_attributes=True)


def _end_this_device(*, session: Session, actor: Actor, sid: int) -> None:
    api_tokens.end_family(session=session, actor=actor, session_id=sid)


@router.post("/logout", status_code=204, responses={401: {}}, dependencies=SIGNED_IN)
async def logout(request: Request) -> Response:
    """Sign this device out: its refresh token and access tokens stop working."""
    claims = api_tokens.decode_access_token(bearer_token(request) or "")
    await as_user(request, _end_this_device, sid=claims.session_id)
    return Response(status_code=204)


def _end_everything(*, session: Session, actor: Actor) -> None:
    sessions.revoke_all_sessions(session=session, user_id=actor.id)


@router.post("/logout-all", status_code=204, responses={401: {}}, dependencies=SIGNED_IN)
async def logout_all(request: Request) -> Response:
    """Sign out everywhere: every device and every browser session of this account."""
    await as_user(request, _end_everything)
    return Response(status_code=204)
