"""The public catalog: listings, search and the course page.

Modules other layers may use:
- `course_page`
- `listings`
- `page_views` (one read per page view: home, course page)
- `search`
- `share_meta` (what a shared course link previews; read by `api/share_meta.py`)
- `spelling`
"""
