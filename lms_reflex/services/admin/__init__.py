"""Running the site: users, catalog moderation, the audit trail and platform numbers.

Modules other layers may use:
- `audit_trail`
- `catalog`
- `enrollments`
- `listing`
- `moderation`
- `overview`
- `platform_stats`
- `user_changes`
- `users`
"""
