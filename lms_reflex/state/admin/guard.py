"""What the admin states say to a signed-in user who is not an admin.

It only shapes what the page shows; the services refuse every non-admin on every call.
"""

from __future__ import annotations

NOT_AN_ADMIN = "This page is for administrators."
