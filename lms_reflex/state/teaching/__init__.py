"""Teaching: the course builder, curriculum, media, publishing and analytics.

Modules other layers may use:
- `analytics`
- `captions`
- `curriculum`
- `lesson_editor`
- `teach`
- `teach_details`
"""
