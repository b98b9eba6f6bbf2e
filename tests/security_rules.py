"""Every event handler of every State class, with who may call it (SECURITY-CASES 21).

A handler is reachable from any browser with any arguments, so each one is listed here
with its rule and forged arguments an attacker might send. tests/unit/test_handler_rules.py
fails when a handler is missing; tests/e2e/test_forged_events.py sends each non-public one
as an anonymous browser and checks nothing changed.

Rules:
- public: anyone; reads public data or acts only on data proved by a secret (code, token).
- signed-in: acts only on the caller's own account, found from the session cookie; takes no
  user id, so "another user's data" cannot even be named.
- admin: admins only; the service refuses everyone else on every call (anonymous callers
  are asked to sign in, signed-in non-admins get "You do not have permission").
"""

from __future__ import annotations

PUBLIC = "public"
SIGNED_IN = "signed-in"
ADMIN = "admin"

FORGED_FORM = {
    "first_name": "Mallory",
    "last_name": "Evil",
    "email": "mallory@example.com",
    "password": "forged password 123",
    "confirm_password": "forged password 123",
    "current_password": "guess guess guess",
    "new_password": "forged password 123",
    "delete_password": "guess guess guess",
    "code": "000000",
    "role": "admin",
    "is_active": True,
    "email_verified_at": "2020-01-01",
    "id": 1,
    "user_id": 1,
}

# handler -> (rule, forged payload)
RULES: dict[str, tuple[str, dict]] = {
    "HomeState.load": (PUBLIC, {}),
    "CategoryState.load": (PUBLIC, {}),
    "CategoryState.change": (PUBLIC, {"sort": "x' OR 1=1", "page": -5}),
    "SearchState.load": (PUBLIC, {}),
    "SearchState.submit": (PUBLIC, {"form": {"q": "x"}}),
    "SearchState.apply_filters": (PUBLIC, {"form": {"sort": "'; DROP TABLE course; --"}}),
    "SearchState.go_to_page": (PUBLIC, {"page": 99999}),
    "CourseState.load": (PUBLIC, {}),
    "CourseState.enroll": (SIGNED_IN, {}),
    "ReviewsState.load": (PUBLIC, {}),
    "ReviewsState.more": (PUBLIC, {}),
    # Enrolled students only; the service checks enrollment and authorship.
    "ReviewsState.save": (SIGNED_IN, {"form": {"rating": "5", "body": "forged"}}),
    "ReviewsState.delete": (SIGNED_IN, {}),
    # The course's own instructor only; the service checks the review's course.
    "ReviewsState.reply": (SIGNED_IN, {"form": {"review_id": "1", "reply": "forged"}}),
    "InstructorState.load": (PUBLIC, {}),
    # The player: preview lessons are public; everything else is checked by the learning
    # service (enrolled student, the course's instructor, or an admin).
    "PlayerState.load": (PUBLIC, {}),
    "PlayerState.report": (PUBLIC, {"seconds": 1e12}),
    "PlayerState.seeked": (PUBLIC, {"seconds": -5}),
    "PlayerState.ended": (PUBLIC, {}),
    "PlayerState.toggle_complete": (PUBLIC, {}),
    "PlayerState.submit_review": (PUBLIC, {"form": {"rating": "6", "body": "x"}}),
    "ResumeState.load": (SIGNED_IN, {}),
    "SessionState.load": (PUBLIC, {}),
    "SignupState.signup": (PUBLIC, {"form": FORGED_FORM}),
    "VerifyState.load": (PUBLIC, {}),
    "VerifyState.count_down": (PUBLIC, {}),
    "VerifyState.verify": (PUBLIC, {"form": FORGED_FORM}),
    "VerifyState.resend": (PUBLIC, {}),
    "LoginState.load": (PUBLIC, {}),
    "LoginState.login": (PUBLIC, {"form": FORGED_FORM}),
    "PasswordResetState.load": (PUBLIC, {}),
    "PasswordResetState.request_reset": (PUBLIC, {"form": FORGED_FORM}),
    "PasswordResetState.set_new_password": (PUBLIC, {"form": FORGED_FORM}),
    "DashboardState.load": (SIGNED_IN, {}),
    "DashboardState.set_show": (PUBLIC, {"value": "completed"}),  # display filter only
    "SettingsState.load": (SIGNED_IN, {}),
    "SettingsState.change_password": (SIGNED_IN, {"form": FORGED_FORM}),
    "SettingsState.sign_out_everywhere": (SIGNED_IN, {}),
    "SettingsState.export_data": (SIGNED_IN, {}),
    "SettingsState.delete_account": (SIGNED_IN, {"form": FORGED_FORM}),
    "ProfileState.load": (SIGNED_IN, {}),
    "ProfileState.save": (SIGNED_IN, {"form": FORGED_FORM}),
    "ProfileState.remove_avatar": (SIGNED_IN, {}),
    "ProfileState.set_upload_progress": (PUBLIC, {"progress": {"progress": 0.5}}),
    # Called by Reflex's /_upload HTTP route, not over the websocket; the e2e profile test
    # and tests/unit/test_profiles.py cover it.
    "ProfileState.handle_avatar_upload": (SIGNED_IN, {}),
    # Instructor pages: the builder services check the role (instructor or admin) and that
    # the course is the caller's own; the course is the one the tab loaded, never an argument.
    "TeachState.load": (SIGNED_IN, {}),
    "TeachState.set_show": (PUBLIC, {"value": "archived"}),  # display filter only
    "TeachState.create_course": (SIGNED_IN, {"form": {"title": "Forged course"}}),
    "CourseEditorState.load": (SIGNED_IN, {}),
    "CourseEditorState.edit_field": (SIGNED_IN, {"name": "title", "value": "Hijacked"}),
    "CourseEditorState.add_line": (PUBLIC, {"name": "learn"}),  # local blank line only
    "CourseEditorState.edit_line": (SIGNED_IN, {"name": "learn", "index": 0, "value": "x"}),
    "CourseEditorState.remove_line": (SIGNED_IN, {"name": "learn", "index": 0}),
    "CourseEditorState.set_upload_progress": (PUBLIC, {"progress": {"progress": 0.5}}),
    "CourseEditorState.upload_course_thumbnail": (SIGNED_IN, {}),
    "PublishState.load": (SIGNED_IN, {}),
    "PublishState.publish": (SIGNED_IN, {}),
    "PublishState.unpublish": (SIGNED_IN, {}),
    "PublishState.archive": (SIGNED_IN, {}),
    "PublishState.delete_course": (SIGNED_IN, {}),
    # The course's staff only, and only while an admin's hold lasts (course_moderation).
    "PublishState.ask_for_review": (SIGNED_IN, {"form": {"message": "forged review request"}}),
    # The curriculum builder: the course's instructor or an admin; the curriculum services
    # check role and ownership of every section and lesson id (SECURITY-CASES 23).
    "CurriculumState.load": (SIGNED_IN, {}),
    "CurriculumState.open_name_dialog": (PUBLIC, {"mode": "rename_section", "target": 1}),
    "CurriculumState.set_name_open": (PUBLIC, {"value": True}),
    "CurriculumState.submit_name": (SIGNED_IN, {"form": {"name": "Forged section"}}),
    "CurriculumState.ask_delete": (PUBLIC, {"kind": "lesson", "target": 1}),
    "CurriculumState.set_delete_open": (PUBLIC, {"value": True}),
    "CurriculumState.confirm_delete": (SIGNED_IN, {}),
    "CurriculumState.move_sections": (SIGNED_IN, {"section_ids": [2, 1]}),
    "CurriculumState.move_lessons": (SIGNED_IN, {"layout": [[1, [2, 1]], [2, []]]}),
    "LessonEditorState.open_lesson": (SIGNED_IN, {"lesson_id": 1}),
    "LessonEditorState.set_editor_open": (PUBLIC, {"value": True}),
    "LessonEditorState.save": (
        SIGNED_IN,
        {"form": {"title": "Forged", "description": "x", "is_preview": "on"}},
    ),
    "LessonEditorState.video_uploaded": (SIGNED_IN, {}),
    "LessonEditorState.upload_failed": (PUBLIC, {"message": "<script>x</script>"}),
    # The course's own instructor or an admin; everyone else gets "not found" from the service.
    "AnalyticsState.load": (SIGNED_IN, {}),
}

ADMIN_RANGE = {"form": {"start": "2026-01-01", "end": "2026-01-31"}}

# Admin console (SECURITY-CASES 18, 21, 22): ids are forged to name real rows.
RULES |= {
    "AdminOverviewState.load": (ADMIN, {}),
    "AdminOverviewState.apply_range": (ADMIN, ADMIN_RANGE),
    "AdminOverviewState.download": (ADMIN, {"table": "signups"}),
    "AdminUsersState.load": (ADMIN, {}),
    "AdminUsersState.search": (ADMIN, {"form": {"q": "%", "role": "admin"}}),
    "AdminUsersState.go_to_page": (ADMIN, {"page": 2}),
    "AdminUsersState.change_role": (ADMIN, {"user_id": 1, "role": "admin"}),
    "AdminUsersState.approve": (ADMIN, {"user_id": 1}),
    "AdminUsersState.reject": (ADMIN, {"form": {"user_id": "1", "reason": "forged"}}),
    "AdminUsersState.set_active": (ADMIN, {"user_id": 1, "active": False}),
    "AdminUsersState.resend": (ADMIN, {"user_id": 1}),
    "AdminUsersState.pick": (ADMIN, {"user_id": 1}),
    "AdminUsersState.enroll": (ADMIN, {"form": {"user_id": "1", "course_id": "1"}}),
    "AdminUsersState.remove_enrollment": (ADMIN, {"user_id": 1, "course_id": 1}),
    "AdminCategoriesState.load": (ADMIN, {}),
    "AdminCategoriesState.create": (ADMIN, {"form": {"name": "Forged", "description": "x"}}),
    "AdminCategoriesState.save": (
        ADMIN,
        {"form": {"category_id": "1", "name": "Forged", "description": "x"}},
    ),
    "AdminCategoriesState.move": (ADMIN, {"category_id": 1, "step": 1}),
    "AdminCategoriesState.delete": (ADMIN, {"category_id": 1}),
    "AdminCoursesState.load": (ADMIN, {}),
    "AdminCoursesState.search": (ADMIN, {"form": {"q": "x", "status": "draft"}}),
    "AdminCoursesState.go_to_page": (ADMIN, {"page": 2}),
    "AdminCoursesState.reviews_page": (ADMIN, {"page": 2}),
    "AdminCoursesState.moderate": (
        ADMIN,
        {"form": {"course_id": "1", "action": "archive", "reason": "forged"}},
    ),
    "AdminCoursesState.set_review_hidden": (ADMIN, {"review_id": 1, "hidden": True}),
    "AdminCoursesState.lift_moderation": (ADMIN, {"course_id": 1}),
    "AdminAuditState.load": (ADMIN, {}),
    "AdminAuditState.go_to_page": (ADMIN, {"page": 2}),
}

# Reflex adds `setvar` to every state. It only calls existing `set_<name>` handlers (auto
# setters are off), so it can do nothing the handlers above cannot.
BUILT_IN = {"setvar"}
WEBSOCKET_ONLY_EXCEPTIONS = {
    "ProfileState.handle_avatar_upload",
    "CourseEditorState.upload_course_thumbnail",
}
