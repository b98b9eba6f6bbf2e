"""/me: the signed-in user's profile, their devices (API sign-ins)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from lms_reflex.api.v1.deps import SIGNED_IN, RowId, as_user, counted
from lms_reflex.api.v1.schemas import DeviceOut, MeOut, MePatch
from lms_reflex.services.accounts import api_devices, profiles
from lms_reflex.services.accounts.profiles import ProfileView
from lms_reflex.services.actor import Actor

router = APIRouter(tags=["me"], dependencies=SIGNED_IN)


def _me(actor: Actor, view: ProfileView) -> MeOut:
    return MeOut.model_validate(
        {"id": actor.id, "role": actor.role} | view.__dict__, from_attributes=False
    )


def _read_me(*, session: Session, actor: Actor) -> MeOut:
    return _me(actor, profiles.get_my_profile(session=session, actor=actor))


def _patch_me(*, session: Session, actor: Actor, changes: dict[str, str]) -> MeOut:
    """The profile form's save, with the fields not sent kept as they are."""
    current = profiles.get_my_profile(session=session, actor=actor).__dict__
    fields = {name: current[name] for name in _PROFILE_FIELDS} | changes
    return _me(actor, profiles.update_my_profile(session=session, actor=actor, **fields))


_PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "bio",
    "gender",
    "date_of_birth",
    "contact_number",
)


@router.get("/me", response_model=MeOut, responses={401: {}})
async def read_me(request: Request) -> MeOut:
    """Who the token belongs to, and their profile."""
    return await as_user(request, _read_me, readonly=True)


@router.patch("/me", response_model=MeOut, responses={401: {}, 403: {}, 422: {}, 429: {}})
async def patch_me(body: MePatch, request: Request) -> MeOut:
    """Change profile fields; only the fields sent change. Email and role are not here."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return await as_user(request, counted(_patch_me), changes=changes)


@router.get("/me/devices", response_model=list[DeviceOut], responses={401: {}})
async def devices(request: Request) -> list[DeviceOut]:
    """The account's signed-in API devices, most recently used first."""
    views = await as_user(request, api_devices.list_devices, readonly=True)
    return [DeviceOut.model_validate(v, from_attributes=True) for v in views]


@router.delete("/me/devices/{device_id}", status_code=204, responses={401: {}, 422: {}})
async def revoke_device(device_id: RowId, request: Request) -> Response:
    """Sign one of the account's devices out (another user's device is not found)."""
    await as_user(request, counted(api_devices.revoke_device), device_id=device_id)
    return Response(status_code=204)
