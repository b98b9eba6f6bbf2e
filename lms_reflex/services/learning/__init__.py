"""Learning: enrollment, the player's lessons, progress, reviews and the dashboard.

Modules other layers may use:
- `dashboard`
- `enrollment`
- `lesson_offer`
- `lessons`
- `notes` (a student's private notes) and `notes_export` (Markdown, data export, erase)
- `player_page` (the player's page view)
- `progress`
- `quizzes` (taking quizzes) and `quiz_views` (what the student's browser gets)
- `reviews`
"""
