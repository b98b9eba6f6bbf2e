"""Learning: enrollment, the player's lessons, progress, reviews and the dashboard.

Modules other layers may use:
- `captions` (the player's caption tracks)
- `dashboard`
- `enrollment`
- `lesson_offer`
- `lessons`
- `notes` (a student's private notes) and `notes_export` (Markdown, data export, erase)
- `player_page` (the player's page view)
- `progress`
- `questions`, `question_moderation`, `question_views`, `question_digests` (lesson Q&A)
- `quizzes` (taking quizzes) and `quiz_views` (what the student's browser gets)
- `reviews`
"""
