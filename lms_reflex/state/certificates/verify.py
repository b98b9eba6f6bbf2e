"""/certificates/[code]: anyone checks a certificate, signed in or not."""

from __future__ import annotations

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.certificates import lookup
from lms_reflex.services.certificates.views import CertificatePage
from lms_reflex.services.errors import NotFound, Throttled
from lms_reflex.state.session import client_ip
from lms_reflex.state.util import route_param


class CertificateState(rx.State):
    """One certificate on screen. No var is named `code`: it would shadow the route argument."""

    certificate: CertificatePage | None = None
    missing: bool = False
    refusal: str = ""  # the throttle's sentence, with when to try again
    loaded: bool = False

    @rx.event
    async def load(self):
        """Look the code in the URL up; unknown and malformed codes show "not found"."""
        self.loaded, self.missing, self.refusal, self.certificate = False, False, "", None
        yield
        try:
            self.certificate = await call_service(
                lookup.verify_certificate, code=route_param(self, "code"), ip=client_ip(self)
            )
        except NotFound:
            self.missing = True
        except Throttled as exc:
            self.refusal = exc.message
        self.loaded = True
