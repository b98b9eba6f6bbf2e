"""The public catalog: listings, search and the course page.

Modules other layers may use:
- `course`
- `listings`
- `search`
"""
