"""The domain: plain functions that enforce permissions and invariants; no Reflex import.

Domain packages: accounts, catalog, learning, teaching, admin, demo (each `__init__` lists
its modules). Domain-free modules at this level: actor (who is acting and every "who may"
rule), errors, views (read models), validation (ids, slugs, control characters),
formatting, text (markdown to safe HTML), audit (the security event log), media_access,
prebuilt (the hot statements run on the DBAPI cursor), read_once (facts read once per
read-only call).
See docs/architecture.md.
"""
