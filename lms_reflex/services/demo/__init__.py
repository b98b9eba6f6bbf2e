"""Idempotent demo data and its words.

Modules other layers may use:
- `content`
- `seed`
"""
