"""Running the site: users, catalog moderation, the audit trail and platform numbers.

Modules other layers may use:
- `audit`
- `catalog`
- `guard`
- `listing`
- `overview`
- `users`
"""
