"""Learning: enrollment, the player's lessons, progress, reviews and the dashboard.

Modules other layers may use:
- `captions`
- `dashboard`
- `player`
- `questions` (the lesson's Questions area)
"""
