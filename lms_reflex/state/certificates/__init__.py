"""Certificates: the public verify page (verify), the admin console's list (admin)."""
