"""Accounts: sign-up, sign-in, sessions, passwords, profiles and a user's own account.

Modules other layers may use:
- `auth`
- `profile`
- `settings`
"""
