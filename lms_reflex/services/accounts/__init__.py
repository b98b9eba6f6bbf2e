"""Accounts: sign-up, sign-in, sessions, passwords, profiles and a user's own account.

Modules other layers may use:
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
