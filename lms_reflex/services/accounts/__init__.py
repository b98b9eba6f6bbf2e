"""Accounts: sign-up, sign-in, sessions, passwords, profiles and a user's own account.

Modules other layers may use:
- `api_devices` (the settings page's "Apps and devices")
- `api_revocation`
- `api_tokens` (the REST API's access and refresh tokens, and the devices list)
- `landing`
- `otp`
- `own_account`
- `password_reset`
- `passwords`
- `profiles`
- `registration`
- `sessions`
- `sign_in`
- `throttles`
- `top_bar` (the top bar's reads, next to a page view)
- `users`
"""
