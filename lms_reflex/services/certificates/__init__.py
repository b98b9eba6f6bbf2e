"""Certificates of completion (issue 18): issuing, the holder's list, verify, admin, PDF.

Modules other layers may use:
- `codes` (the public code's shape)
- `views` (the frozen read models)
- `mine` (the signed-in student's certificates and reissue)
- `lookup` (the public verify page)
- `admin` (the admin console's list and revoke)
- `files` (the PDF on disk, for the media route)

`issuing` is called by services/learning/progress.py when a course is complete.
"""
