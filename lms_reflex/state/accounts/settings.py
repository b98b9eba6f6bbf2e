"""The signed-in area: dashboard and account settings. Every handler re-checks the session."""

from __future__ import annotations

import json

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_hashing_service, call_service
from lms_reflex.services.accounts import api_devices, sessions
from lms_reflex.services.accounts import own_account as accounts
from lms_reflex.services.accounts.api_devices import DeviceView
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import DomainError, NotSignedIn
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import (
    actor_or_login,
    client_ip,
    current_actor,
    full_navigation,
    session_token,
)
from lms_reflex.state.util import (
    PASSWORDS_DIFFER,
    error_toast,
    field,
    passwords_differ,
    send_after_reply,
)

PASSWORD_FIELDS = ("current_password", "new_password", "confirm_password")


class SettingsState(FieldErrors, rx.State):
    """Password, sessions, API devices, data export and account deletion."""

    busy: bool = False
    devices: list[DeviceView] = []

    @rx.event
    async def load(self):
        """Only for signed-in users."""
        self.busy = False
        self._clear_field_errors()
        self.devices = []
        actor, go_login = await actor_or_login(self, routes.SETTINGS)
        if actor is not None:
            self.devices = await call_service(api_devices.list_devices, actor=actor)
        return go_login

    @rx.event
    async def revoke_device(self, device_id: int):
        """Sign one of the user's own API devices out (another user's id is not found)."""
        try:
            actor = await self._actor()
            await call_service(api_devices.revoke_device, actor=actor, device_id=device_id)
            self.devices = await call_service(api_devices.list_devices, actor=actor)
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success("That device is signed out.")

    @rx.event
    async def change_password(self, form: dict):
        """Needs the current password; ends every other session and mails a notice."""
        self._clear_field_errors()
        if passwords_differ(form, "new_password", "confirm_password"):
            return self._field_error("confirm_password", PASSWORDS_DIFFER)
        try:
            actor = await self._actor()
            notice = await call_hashing_service(
                accounts.change_password,
                actor_id=actor.id,
                current_password=field(form, "current_password", 300),
                new_password=field(form, "new_password", 300),
                keep_token=session_token(self),
                ip=client_ip(self),
            )
        except DomainError as exc:
            return self._refuse(exc, PASSWORD_FIELDS, {"password": "new_password"})
        send_after_reply(notice)
        return [
            rx.set_value("field-current_password", ""),
            rx.set_value("field-new_password", ""),
            rx.set_value("field-confirm_password", ""),
            rx.toast.success("Password changed. Other devices have been signed out."),
        ]

    @rx.event
    async def sign_out_everywhere(self):
        """End every session of this user, this browser's included."""
        try:
            actor = await self._actor()
        except DomainError as exc:
            return error_toast(exc)
        await call_service(sessions.revoke_all_sessions, user_id=actor.id)
        return full_navigation(routes.LOGIN)

    @rx.event
    async def export_data(self):
        """Download everything we hold about the user as JSON."""
        try:
            actor = await self._actor()
            data = await call_service(
                accounts.export_my_data, actor_id=actor.id, ip=client_ip(self)
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.download(data=json.dumps(data, indent=2), filename="my-lms-data.json")

    @rx.event
    async def delete_account(self, form: dict):
        """Erase the account after the password is confirmed."""
        self._clear_field_errors()
        try:
            actor = await self._actor()
            await call_hashing_service(
                accounts.delete_account,
                actor_id=actor.id,
                password=field(form, "delete_password", 300),
                ip=client_ip(self),
            )
        except DomainError as exc:
            return self._refuse(exc, ["delete_password"], {"password": "delete_password"})
        return full_navigation(routes.HOME)

    async def _actor(self) -> Actor:
        actor = await current_actor(self)
        if actor is None:
            raise NotSignedIn()
        return actor
