"""Sign-up, email verification, sign-in and password recovery."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_hashing_service, call_service
from lms_reflex.services.accounts import password_reset, registration, sessions, sign_in
from lms_reflex.services.accounts.landing import landing_path
from lms_reflex.services.errors import DomainError, InvalidInput, Throttled
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import client_ip, sign_in_redirect, user_agent
from lms_reflex.state.util import (
    PASSWORDS_DIFFER,
    error_toast,
    field,
    passwords_differ,
    route_param,
    send_after_reply,
)

RESEND_WAIT_S = 60
SIGNUP_FIELDS = ("first_name", "last_name", "email", "password", "confirm_password")
PASSWORD_FIELDS = ("password", "confirm_password")


class SignupState(FieldErrors, rx.State):
    """The sign-up form."""

    busy: bool = False

    @rx.event
    async def signup(self, form: dict):
        """Create the account and mail a code; the answer is the same for taken emails.

        The mail (a code, or a notice to an existing account's owner) leaves after the
        answer, so neither the answer nor its timing shows which.
        """
        self._clear_field_errors()
        if passwords_differ(form, "password", "confirm_password"):
            yield self._field_error("confirm_password", PASSWORDS_DIFFER)
            return
        self.busy = True
        yield
        try:
            result = await call_hashing_service(
                registration.signup,
                first_name=field(form, "first_name", 200),
                last_name=field(form, "last_name", 200),
                email=field(form, "email", 320),
                password=field(form, "password", 300),
                wants_to_teach=bool(form.get("wants_to_teach")),
                ip=client_ip(self),
            )
        except DomainError as exc:
            self.busy = False
            yield self._refuse(exc, SIGNUP_FIELDS)
            return
        verify = await self.get_state(VerifyState)
        verify._attempt_email, verify._attempt = result.email, result.attempt
        send_after_reply(result.mail)
        self.busy = False
        yield rx.redirect(f"{routes.VERIFY}?{urlencode({'email': result.email})}")


class VerifyState(FieldErrors, rx.State):
    """The code form at /verify?email=..."""

    email: str = ""
    resend_wait_s: int = 0
    busy: bool = False
    # Whoever proves the mailbox chooses the password: a tab that did not choose the
    # account's current password shows "Choose a password" (docs/security.md).
    must_choose: bool = False
    _ticking: bool = False
    # Which sign-up (or sign-in) of this tab the code must confirm: the password chosen
    # there, by fingerprint. Server-side only (a backend var never reaches the browser).
    _attempt_email: str = ""
    _attempt: str = ""

    def _tab_attempt(self) -> str:
        """This tab's fingerprint of the password it chose for this email ("" if none)."""
        return self._attempt if self._attempt_email == self.email else ""

    @rx.event
    def load(self):
        """Read the email from the URL and start the resend countdown.

        The countdown always starts at a minute: reading the real wait from the database
        would show 0 for addresses that got no code, revealing that they have an account.
        The password fields depend only on this tab, never on the account.
        """
        self.email = route_param(self, "email")[:320]
        self.busy = False
        self.must_choose = not self._tab_attempt()
        self._clear_field_errors()
        self.resend_wait_s = RESEND_WAIT_S
        return VerifyState.count_down

    @rx.event(background=True)
    async def count_down(self):
        """Tick the 'send a new code in N s' label down to zero (one ticker per tab)."""
        async with self:
            if self._ticking:
                return
            self._ticking = True
        while True:
            await asyncio.sleep(1)
            async with self:
                self.resend_wait_s = max(0, self.resend_wait_s - 1)
                if self.resend_wait_s == 0:
                    self._ticking = False
                    return

    def _refused(self, exc: DomainError) -> rx.event.EventSpec:
        """Put a refusal next to its field (the code, the password); else a toast."""
        self.busy = False
        if isinstance(exc, registration.ChoosePassword):
            self.must_choose = True  # someone signed up again since this tab did
        return self._refuse(exc, ("code", *PASSWORD_FIELDS) if self.must_choose else ("code",))

    @rx.event
    async def verify(self, form: dict):
        """Check the code (and the password chosen here, if any); then sign the user in."""
        self._clear_field_errors()
        password = field(form, "password", 300) if self.must_choose else ""
        if password and passwords_differ(form, "password", "confirm_password"):
            yield self._field_error("confirm_password", PASSWORDS_DIFFER)
            return
        self.busy = True
        yield
        call = call_hashing_service if password else call_service
        try:
            user_id = await call(
                registration.verify_signup,
                email=self.email,
                code=field(form, "code", 20).strip(),
                ip=client_ip(self),
                attempt=self._tab_attempt(),
                new_password=password,
            )
            ticket = await call_service(sessions.issue_login_ticket, user_id=user_id)
        except DomainError as exc:
            yield self._refused(exc)
            return
        yield sign_in_redirect(ticket, routes.DASHBOARD)

    @rx.event
    async def resend(self):
        """Mail a fresh code (at most once a minute)."""
        try:
            sent = await call_service(registration.resend_signup_code, email=self.email)
        except Throttled as exc:  # "Try again in N seconds": the button counts it down
            self.resend_wait_s = exc.retry_after_s or RESEND_WAIT_S
            yield [error_toast(exc), VerifyState.count_down]
            return
        except DomainError as exc:
            yield error_toast(exc)
            return
        send_after_reply(sent.mail if sent else None)
        yield rx.toast.success("If that address has an account waiting, a new code is on its way.")
        self.resend_wait_s = RESEND_WAIT_S
        yield VerifyState.count_down


class LoginState(FieldErrors, rx.State):
    """The sign-in form at /login?next=..."""

    busy: bool = False
    expired: bool = False

    @rx.event
    def load(self) -> None:
        """Note whether we came back from an expired sign-in link."""
        self.expired = route_param(self, "expired") == "1"
        self.busy = False
        self._clear_field_errors()

    @rx.event
    async def login(self, form: dict):
        """Check the password; on success go through the cookie route to ?next=."""
        self._clear_field_errors()
        self.busy = True
        yield
        try:
            user_id, ticket = await _signed_in(
                sign_in.login,
                email=field(form, "email", 320),
                password=field(form, "password", 300),
                ip=client_ip(self),
                user_agent=user_agent(self),
            )
        except sign_in.VerifyEmailFirst as exc:
            self.busy = False
            yield await self._verify_first(exc.email, exc.attempt)
            return
        except DomainError as exc:
            self.busy = False
            yield self._refuse(exc, ("email", "password"))
            return
        landing = route_param(self, "next") or await call_service(
            landing_path, readonly=True, user_id=user_id
        )
        yield sign_in_redirect(ticket, landing)

    async def _verify_first(self, email: str, attempt: str) -> rx.event.EventSpec:
        """Right password, unverified email: mail a code and open the code page instead."""
        try:
            sent = await call_service(registration.resend_signup_code, email=email)
        except DomainError:
            sent = None  # a code went out under a minute ago; the page offers a new one
        send_after_reply(sent.mail if sent else None)
        verify = await self.get_state(VerifyState)
        verify._attempt_email, verify._attempt = email, attempt
        return rx.redirect(f"{routes.VERIFY}?{urlencode({'email': email})}")


async def _signed_in(check: Callable[..., int], **kwargs: Any) -> tuple[int, sessions.LoginTicket]:
    """Run a password check off the loop, then mint the one-time ticket the cookie route takes.

    Sign-in and password reset both end in a fresh session, and both must go through the
    cookie route (docs/architecture.md, "Cookies": handlers cannot set HttpOnly cookies).
    """
    user_id = await call_hashing_service(check, **kwargs)
    return user_id, await call_service(sessions.issue_login_ticket, user_id=user_id)


class PasswordResetState(FieldErrors, rx.State):
    """Forgot-password and reset-password forms."""

    sent: bool = False
    busy: bool = False

    @rx.event
    def load(self) -> None:
        """A fresh form, or the confirmation when the URL says a link was sent.

        The confirmation lives in the URL (?sent=1), not only in state: an on_load that
        runs again after the request (a websocket reconnect re-runs it) must not turn the
        confirmation back into an empty form.
        """
        self.sent, self.busy = route_param(self, "sent") == "1", False
        self._clear_field_errors()

    @rx.event
    async def request_reset(self, form: dict):
        """Mail a reset link when the account exists; the page says the same either way."""
        self._clear_field_errors()
        self.busy = True
        yield
        try:
            mail = await call_service(
                password_reset.request_password_reset,
                email=field(form, "email", 320),
                ip=client_ip(self),
            )
        except InvalidInput as exc:
            self.busy = False
            yield self._refuse(exc, ("email",))
            return
        except DomainError:
            mail = None  # throttled: answer as usual, so nothing is revealed
        send_after_reply(mail.mail if mail else None)
        self.sent, self.busy = True, False
        yield rx.redirect(f"{routes.FORGOT}?sent=1", replace=True)

    @rx.event
    async def set_new_password(self, form: dict):
        """Set the new password from the mailed link, end every session, sign in afresh."""
        self._clear_field_errors()
        if passwords_differ(form, "password", "confirm_password"):
            yield self._field_error("confirm_password", PASSWORDS_DIFFER)
            return
        self.busy = True
        yield
        try:
            _, ticket = await _signed_in(
                password_reset.reset_password,
                email=route_param(self, "email")[:320],
                token=route_param(self, "token")[:200],
                new_password=field(form, "password", 300),
                ip=client_ip(self),
            )
        except DomainError as exc:
            self.busy = False
            yield self._refuse(exc, PASSWORD_FIELDS)
            return
        yield sign_in_redirect(ticket, routes.DASHBOARD)
