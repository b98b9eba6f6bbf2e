"""The full-text search index: DDL shared by migration 0002 and the unit-test databases.

SQLite keeps an FTS5 table `course_fts` (rowid = course.id); PostgreSQL keeps a table
`course_search(course_id, document tsvector)` with a GIN index. Triggers on `course` and on
instructor renames keep both in step inside the writer's own transaction, so a course is
searchable the moment it commits. Neither is a SQLModel table: services query them through
`sqlalchemy.table()` clauses, and alembic autogenerate skips them (`is_search_table`).

Migration 0002 executes these statements as they are. To change the index later, add a new
migration with new statements instead of editing these in place.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect, text

#: Tables the search index owns (FTS5 makes the shadow tables by itself).
SEARCH_TABLES = frozenset(
    {
        "course_fts",
        "course_fts_data",
        "course_fts_idx",
        "course_fts_docsize",
        "course_fts_config",
        "course_fts_content",
        "course_search",
    }
)

#: Text search configuration on PostgreSQL; SQLite's porter tokenizer stems alike.
PG_CONFIG = "english"

# ---------------------------------------------------------------- SQLite (FTS5)

# JSON tags become space-separated words; stored JSON escapes non-ASCII, so raw text won't do.
_SQLITE_TAGS = (
    "CASE WHEN json_valid({row}.tags) "
    "THEN (SELECT group_concat(value, ' ') FROM json_each({row}.tags)) ELSE '' END"
)
# Every statement below is assembled from constants only; nothing typed by a user.
_SQLITE_INSERT = (
    "INSERT INTO course_fts(rowid, title, subtitle, description, tags, instructor) "  # noqa: S608
    "SELECT {row}.id, {row}.title, {row}.subtitle, {row}.description, "
    + _SQLITE_TAGS
    + ", (SELECT u.first_name || ' ' || u.last_name FROM \"user\" AS u "
    "WHERE u.id = {row}.instructor_id)"
)

_SQLITE_CREATE = [
    # bm25 weights (title, subtitle, description, tags, instructor) live in the config row.
    "CREATE VIRTUAL TABLE course_fts USING fts5("
    "title, subtitle, description, tags, instructor, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')",
    "INSERT INTO course_fts(course_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 3.0, 2.0)')",
    "CREATE TRIGGER course_fts_after_insert AFTER INSERT ON course BEGIN "
    + _SQLITE_INSERT.format(row="new")
    + "; END",
    # Ratings change often; only the searched columns re-index a course.
    "CREATE TRIGGER course_fts_after_update "  # noqa: S608
    "AFTER UPDATE OF title, subtitle, description, tags, instructor_id ON course BEGIN "
    "DELETE FROM course_fts WHERE rowid = old.id; " + _SQLITE_INSERT.format(row="new") + "; END",
    "CREATE TRIGGER course_fts_after_delete AFTER DELETE ON course BEGIN "
    "DELETE FROM course_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER course_fts_after_user_rename "
    'AFTER UPDATE OF first_name, last_name ON "user" BEGIN '
    "UPDATE course_fts SET instructor = new.first_name || ' ' || new.last_name "
    "WHERE rowid IN (SELECT id FROM course WHERE instructor_id = new.id); END",
    _SQLITE_INSERT.format(row="c") + " FROM course AS c",
]

_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS course_fts_after_user_rename",
    "DROP TRIGGER IF EXISTS course_fts_after_delete",
    "DROP TRIGGER IF EXISTS course_fts_after_update",
    "DROP TRIGGER IF EXISTS course_fts_after_insert",
    "DROP TABLE IF EXISTS course_fts",
]

# ---------------------------------------------------------------- PostgreSQL (tsvector)

# Weights: A title, B subtitle and tags, C instructor, D description (ts_rank favours A).
_PG_DOCUMENT = f"""
CREATE FUNCTION course_search_document(
    p_title text, p_subtitle text, p_description text, p_tags json, p_instructor text
) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('{PG_CONFIG}', coalesce(p_title, '')), 'A')
        || setweight(to_tsvector('{PG_CONFIG}', coalesce(p_subtitle, '')), 'B')
        || setweight(to_tsvector('{PG_CONFIG}', CASE WHEN json_typeof(p_tags) = 'array'
            THEN (SELECT coalesce(string_agg(t, ' '), '') FROM json_array_elements_text(p_tags) t)
            ELSE '' END), 'B')
        || setweight(to_tsvector('{PG_CONFIG}', coalesce(p_instructor, '')), 'C')
        || setweight(to_tsvector('{PG_CONFIG}', coalesce(p_description, '')), 'D')
$$
"""  # noqa: S608

_PG_FROM_COURSE = """
CREATE FUNCTION course_search_from_course() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO course_search (course_id, document)
    SELECT NEW.id, course_search_document(NEW.title, NEW.subtitle, NEW.description, NEW.tags,
                                          u.first_name || ' ' || u.last_name)
    FROM "user" AS u WHERE u.id = NEW.instructor_id
    ON CONFLICT (course_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END
$$
"""

_PG_FROM_USER = """
CREATE FUNCTION course_search_from_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE course_search AS s
    SET document = course_search_document(c.title, c.subtitle, c.description, c.tags,
                                          NEW.first_name || ' ' || NEW.last_name)
    FROM course AS c WHERE c.id = s.course_id AND c.instructor_id = NEW.id;
    RETURN NULL;
END
$$
"""

_PG_CREATE = [
    "CREATE TABLE course_search ("
    "course_id INTEGER PRIMARY KEY REFERENCES course (id) ON DELETE CASCADE, "
    "document TSVECTOR NOT NULL)",
    "CREATE INDEX ix_course_search_document ON course_search USING GIN (document)",
    _PG_DOCUMENT,
    _PG_FROM_COURSE,
    _PG_FROM_USER,
    "CREATE TRIGGER course_search_on_course "
    "AFTER INSERT OR UPDATE OF title, subtitle, description, tags, instructor_id ON course "
    "FOR EACH ROW EXECUTE FUNCTION course_search_from_course()",
    'CREATE TRIGGER course_search_on_user AFTER UPDATE OF first_name, last_name ON "user" '
    "FOR EACH ROW EXECUTE FUNCTION course_search_from_user()",
    "INSERT INTO course_search (course_id, document) "
    "SELECT c.id, course_search_document(c.title, c.subtitle, c.description, c.tags, "
    "u.first_name || ' ' || u.last_name) "
    'FROM course AS c JOIN "user" AS u ON u.id = c.instructor_id',
]

_PG_DROP = [
    'DROP TRIGGER IF EXISTS course_search_on_user ON "user"',
    "DROP TRIGGER IF EXISTS course_search_on_course ON course",
    "DROP TABLE IF EXISTS course_search",
    "DROP FUNCTION IF EXISTS course_search_from_user()",
    "DROP FUNCTION IF EXISTS course_search_from_course()",
    "DROP FUNCTION IF EXISTS course_search_document(text, text, text, json, text)",
]


def create_statements(dialect: str) -> list[str]:
    """The DDL (and backfill) that builds the search index on `dialect`.

    Raises:
        NotImplementedError: for engines other than SQLite and PostgreSQL.
    """
    if dialect == "sqlite":
        return list(_SQLITE_CREATE)
    if dialect == "postgresql":
        return list(_PG_CREATE)
    raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def drop_statements(dialect: str) -> list[str]:
    """The DDL that removes every search object from `dialect`.

    Raises:
        NotImplementedError: for engines other than SQLite and PostgreSQL.
    """
    if dialect == "sqlite":
        return list(_SQLITE_DROP)
    if dialect == "postgresql":
        return list(_PG_DROP)
    raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def search_table_name(dialect: str) -> str:
    """The table the search index lives in on `dialect`."""
    return "course_fts" if dialect == "sqlite" else "course_search"


def is_search_table(name: str | None) -> bool:
    """True for the index's own tables, which alembic autogenerate must not compare."""
    return name in SEARCH_TABLES


def create_search_index(conn: Connection) -> None:
    """Build the index and backfill it from existing courses on an open connection."""
    for statement in create_statements(conn.dialect.name):
        conn.execute(text(statement))


def ensure_search_index(engine: Engine) -> None:
    """Build the index on a database made by `SQLModel.metadata.create_all` (tests, tools).

    Production databases get it from migration 0002; this is a no-op where it exists.
    """
    if inspect(engine).has_table(search_table_name(engine.dialect.name)):
        return
    with engine.begin() as conn:
        create_search_index(conn)
