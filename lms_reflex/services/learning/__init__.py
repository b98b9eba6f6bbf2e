"""Learning: enrollment, the player's lessons, progress, reviews and the dashboard.

Modules other layers may use:
- `captions` (the player's caption tracks)
- `dashboard`
- `enrollment`
- `lesson_offer`
- `lessons`
- `player_page` (the player's page view)
- `progress`
- `quizzes` (taking quizzes) and `quiz_views` (what the student's browser gets)
- `reviews`
"""
