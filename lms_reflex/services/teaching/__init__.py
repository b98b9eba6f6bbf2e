"""Teaching: the course builder, curriculum, media, publishing and analytics.

Modules other layers may use:
- `builder`
- `captions` (a lesson's caption tracks) and `caption_checks` (the publish advice)
- `course_analytics`
- `course_details`
- `course_list`
- `course_media`
- `course_moderation`
- `course_publishing`
- `curriculum`
- `quiz_builder`, `quiz_options` and `quiz_editor` (quizzes, their answers, analytics)
"""
