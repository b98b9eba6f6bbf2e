"""Learning: enrollment, the player's lessons, progress, reviews and the dashboard.

Modules other layers may use:
- `dashboard`
- `enrollment`
- `lesson_offer`
- `lessons`
- `player_page` (the player's page view)
- `progress`
- `questions`, `question_moderation`, `question_views`, `question_digests` (lesson Q&A)
- `quizzes` (taking quizzes) and `quiz_views` (what the student's browser gets)
- `reviews`
"""
