"""Online backup and restore of the database, the media files and a checksummed manifest.

A backup is a folder::

    manifest.json        engine, time, row counts per table, sha256 of every file below
    database.sqlite      SQLite: a copy made with the online backup API, or
    database.dump        PostgreSQL: pg_dump custom format, from the same snapshot as the counts
    media/...            the files under LMS_MEDIA_DIR (temporary upload files left out)

The database is copied first and the media second: uploads write the file before the row
(docs/architecture.md, "Files and uploads"), so every file a backed-up row names already
existed when it was copied.
"""

from lms_reflex.backup.archive import BackupError, BackupSummary, make_backup, restore_backup

__all__ = ["BackupError", "BackupSummary", "make_backup", "restore_backup"]
