"""Refusals shown next to the input they are about, with focus moved there.

A service names the input a refusal belongs to (`DomainError.field`); a form's state
mixes in `FieldErrors`, clears the messages when the form is sent, and hands a refusal to
`_refuse`. The page draws each input with `components/forms.py: labeled_input(...,
error=State.field_errors.get(name, ""))`, which sets aria-invalid and aria-describedby.
A refusal that belongs to no input of this form stays a toast (docs/architecture.md,
"How an event flows").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import reflex as rx

from lms_reflex.services.errors import DomainError
from lms_reflex.state.util import error_toast


def focus_field(name: str, prefix: str = "field-") -> rx.event.EventSpec:
    """Move focus to the input drawn for `name` (its id is `<prefix><name>`).

    The script waits a frame so the message is on screen (and announced) before focus
    lands, and scrolls the input into view for long forms.
    """
    element_id = json.dumps(f"{prefix}{name}")
    return rx.call_script(
        "requestAnimationFrame(() => {"
        f" const el = document.getElementById({element_id});"
        " if (el) { el.focus(); el.scrollIntoView({block: 'center'}); } })"
    )


def refused_field(
    exc: Exception, fields: Iterable[str], rename: Mapping[str, str] | None = None
) -> str:
    """The input of this form a refusal is about ("" when none is)."""
    name = exc.field if isinstance(exc, DomainError) else ""
    name = (rename or {}).get(name, name)
    return name if name and name in set(fields) else ""


class FieldErrors(rx.State, mixin=True):
    """One message per input name, shown under that input until the form is sent again."""

    field_errors: dict[str, str] = {}

    def _clear_field_errors(self) -> None:
        self.field_errors = {}

    def _field_error(self, name: str, message: str, prefix: str = "field-") -> rx.event.EventSpec:
        """Show `message` under the input `name` (id `<prefix><name>`) and move focus to it."""
        self.field_errors = {**self.field_errors, name: message}
        return focus_field(name, prefix)

    def _refuse(
        self,
        exc: Exception,
        fields: Iterable[str],
        rename: Mapping[str, str] | None = None,
        prefix: str = "field-",
    ) -> rx.event.EventSpec:
        """Put a refusal under its input when this form has it; otherwise a toast.

        `fields` are the input names of this form; `rename` maps a service's field name to
        the form's where they differ (a service's "password" is a settings form's
        "new_password"); `prefix` starts the ids of the form's inputs.
        """
        name = refused_field(exc, fields, rename)
        if name and isinstance(exc, DomainError):
            return self._field_error(name, exc.message, prefix)
        return error_toast(exc)

    def _mark(
        self, exc: Exception, fields: Iterable[str], rename: Mapping[str, str] | None = None
    ) -> rx.event.EventSpec | None:
        """For autosaved forms: the refusal goes under its input, but focus stays put.

        The person may be typing in another field; moving the caret there would eat
        their keystrokes. A refusal about no input of the form is still a toast.
        """
        self.field_errors = {}
        name = refused_field(exc, fields, rename)
        if name and isinstance(exc, DomainError):
            self.field_errors = {name: exc.message}
            return None
        return error_toast(exc)
