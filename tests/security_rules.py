"""Every event handler of every State class, with who may call it (docs/security.md case 21).

A handler is reachable from any browser with any arguments, so each one is listed here
with its real rule and forged arguments an attacker might send. tests/unit/test_handler_rules.py
fails when a handler is missing, and when a handler that writes or takes an id is marked
public; tests/e2e/test_forged_events.py sends every non-public one as an anonymous visitor,
an unrelated student, another instructor and a demoted instructor, and checks that nothing
changed.

Rules (the service checks each on every call, reading role and ownership at call time):
- public: anyone; reads public data, changes only the tab's own display, or (SECRET_PROVED)
  acts only on data proved by a secret the caller typed (password, mailed code or token).
- signed-in self: acts only on the caller's own account, found from the session cookie; takes
  no user id, so "another user's data" cannot even be named.
- enrolled student: the student enrolled in the course on screen (the player, reviews).
- course owner: the course's own instructor (or an admin); everyone else gets "not found"
  or "no permission" from the service.
- admin: admins only; the service refuses everyone else on every call (anonymous callers
  are asked to sign in, signed-in non-admins get "You do not have permission").
"""

from __future__ import annotations

PUBLIC = "public"
SELF = "signed-in self"
ENROLLED = "enrolled student"
OWNER = "course owner"
ADMIN = "admin"
RULE_WORDS = (PUBLIC, SELF, ENROLLED, OWNER, ADMIN)

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
    "CourseState.enroll": (SELF, {}),
    "ReviewsState.load": (PUBLIC, {}),
    "ReviewsState.more": (PUBLIC, {}),
    # Enrolled students only; the service checks enrollment and authorship.
    "ReviewsState.save": (ENROLLED, {"form": {"rating": "5", "body": "forged"}}),
    "ReviewsState.delete": (ENROLLED, {}),
    # The course's own instructor only; the service checks the review's course.
    "ReviewsState.reply": (OWNER, {"form": {"review_id": "1", "reply": "forged"}}),
    "InstructorState.load": (PUBLIC, {}),
    # Reads one certificate by the code in the URL (public by design, issue 18); counted
    # per address, and shows only what was printed on it (docs/security.md case 58).
    "CertificateState.load": (PUBLIC, {}),
    # The player: preview lessons are public; everything else is checked by the learning
    # service (enrolled student, the course's instructor, or an admin).
    "PlayerState.load": (PUBLIC, {}),
    # Enrolls the caller only, in the course of the locked lesson this tab loaded.
    "PlayerState.enroll": (SELF, {}),
    "PlayerState.report": (ENROLLED, {"seconds": 1e12}),
    "PlayerState.seeked": (ENROLLED, {"seconds": -5}),
    "PlayerState.ended": (ENROLLED, {}),
    "PlayerState.count_down": (PUBLIC, {}),
    "PlayerState.cancel_autoplay": (PUBLIC, {}),
    "PlayerState.set_autoplay": (PUBLIC, {"value": "on; DROP"}),
    "PlayerState.start_over": (PUBLIC, {}),
    "PlayerState.toggle_complete": (ENROLLED, {}),
    "PlayerState.submit_review": (ENROLLED, {"form": {"rating": "6", "body": "x"}}),
    "ResumeState.load": (ENROLLED, {}),
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
    "DashboardState.load": (SELF, {}),
    "DashboardState.set_show": (PUBLIC, {"value": "completed"}),  # display filter only
    # The caller's own certificate only: the service reads the holder from the session and
    # refuses a course where they hold no valid certificate (issue 18).
    "DashboardState.reissue_certificate": (SELF, {"course_id": 1}),
    "SettingsState.load": (SELF, {}),
    "SettingsState.change_password": (SELF, {"form": FORGED_FORM}),
    "SettingsState.sign_out_everywhere": (SELF, {}),
    # Only the caller's own API devices; another user's id is answered as unknown.
    "SettingsState.revoke_device": (SELF, {"device_id": 1}),
    "SettingsState.export_data": (SELF, {}),
    "SettingsState.delete_account": (SELF, {"form": FORGED_FORM}),
    "ProfileState.load": (SELF, {}),
    "ProfileState.save": (SELF, {"form": FORGED_FORM}),
    "ProfileState.remove_avatar": (SELF, {}),
    "ProfileState.set_upload_progress": (PUBLIC, {"progress": {"progress": 0.5}}),
    # Called by Reflex's /_upload HTTP route, not over the websocket; the e2e profile test,
    # tests/unit/test_profiles.py and test_forged_personas.py::test_a_forged_upload_... cover it.
    "ProfileState.handle_avatar_upload": (SELF, {}),
    # Instructor pages: the builder services check the role (instructor or admin) and that
    # the course is the caller's own; the course is the one the tab loaded, never an argument.
    # TeachState lists and creates the caller's own courses (the service wants the role).
    "TeachState.load": (SELF, {}),
    "TeachState.set_show": (PUBLIC, {"value": "archived"}),  # display filter only
    "TeachState.create_course": (SELF, {"form": {"title": "Forged course"}}),
    "CourseEditorState.load": (OWNER, {}),
    "CourseEditorState.set_certificate_switch": (OWNER, {"value": False}),
    "CourseEditorState.edit_field": (OWNER, {"name": "title", "value": "Hijacked"}),
    "CourseEditorState.add_line": (OWNER, {"name": "learn"}),  # local blank line only
    "CourseEditorState.edit_line": (OWNER, {"name": "learn", "index": 0, "value": "x"}),
    "CourseEditorState.remove_line": (OWNER, {"name": "learn", "index": 0}),
    "CourseEditorState.set_upload_progress": (PUBLIC, {"progress": {"progress": 0.5}}),
    "CourseEditorState.upload_course_thumbnail": (OWNER, {}),
    "PublishState.load": (OWNER, {}),
    "PublishState.publish": (OWNER, {}),
    "PublishState.unpublish": (OWNER, {}),
    "PublishState.archive": (OWNER, {}),
    "PublishState.delete_course": (OWNER, {}),
    # The course's staff only, and only while an admin's hold lasts (course_moderation).
    "PublishState.ask_for_review": (OWNER, {"form": {"message": "forged review request"}}),
    # The curriculum builder: the course's instructor or an admin; the curriculum services
    # check role and ownership of every section and lesson id (docs/security.md case 23).
    "CurriculumState.load": (OWNER, {}),
    "CurriculumState.open_name_dialog": (OWNER, {"mode": "rename_section", "target": 1}),
    "CurriculumState.set_name_open": (PUBLIC, {"value": True}),
    "CurriculumState.submit_name": (OWNER, {"form": {"name": "Forged section"}}),
    "CurriculumState.ask_delete": (OWNER, {"kind": "lesson", "target": 1}),
    "CurriculumState.set_delete_open": (PUBLIC, {"value": True}),
    "CurriculumState.confirm_delete": (OWNER, {}),
    "CurriculumState.move_sections": (OWNER, {"section_ids": [2, 1]}),
    "CurriculumState.move_lessons": (OWNER, {"layout": [[1, [2, 1]], [2, []]]}),
    "QuizState.load": (PUBLIC, {}),
    "QuizState.start": (ENROLLED, {}),
    "QuizState.save_answer": (ENROLLED, {"question_id": 1, "value": "1"}),
    "QuizState.toggle_option": (ENROLLED, {"question_id": 1, "option_id": 1, "checked": True}),
    "QuizState.submit": (ENROLLED, {}),
    "QuizState.tick": (PUBLIC, {}),
    # Lesson Q&A: enrolled students and the course's staff read, ask, answer and vote; only
    # the staff (instructor or admin) accept and hide (docs/security.md, "Lesson Q&A").
    "QuestionsState.load": (PUBLIC, {}),
    "QuestionsState.set_sort": (ENROLLED, {"value": "top; DROP TABLE lesson_question"}),
    "QuestionsState.ask": (ENROLLED, {"form": {"title": "Forged?", "body": "forged"}}),
    "QuestionsState.answer": (ENROLLED, {"form": {"question_id": "1", "answer": "forged"}}),
    "QuestionsState.toggle_vote": (ENROLLED, {"question_id": 1}),
    "QuestionsState.toggle_accept": (OWNER, {"answer_id": 1}),
    "QuestionsState.hide_question": (OWNER, {"question_id": 1, "hidden": True}),
    "QuestionsState.hide_answer": (OWNER, {"answer_id": 1, "hidden": True}),
    "QuizEditorState.load": (OWNER, {}),
    "QuizEditorState.save_settings": (
        OWNER,
        {"form": {"pass_mark_pct": "0", "attempts_allowed": "0", "show_answers": "never"}},
    ),
    "QuizEditorState.add_question": (OWNER, {"form": {"type": "single", "prompt": "Forged?"}}),
    "QuizEditorState.save_question": (OWNER, {"form": {"question_id": "1", "prompt": "Forged"}}),
    "QuizEditorState.move_question": (OWNER, {"question_id": 1, "offset": 1}),
    "QuizEditorState.move_questions": (OWNER, {"question_ids": [2, 1]}),
    "QuizEditorState.add_option": (OWNER, {"form": {"question_id": "1", "text": "Forged"}}),
    "QuizEditorState.move_option": (OWNER, {"option_id": 1, "offset": 1}),
    "QuizEditorState.save_option": (
        OWNER,
        {"form": {"option_id": "1", "text": "Forged", "is_correct": "on"}},
    ),
    "QuizEditorState.ask_delete": (OWNER, {"kind": "question", "target": 1}),
    "QuizEditorState.set_delete_open": (PUBLIC, {"value": True}),
    "QuizEditorState.confirm_delete": (OWNER, {}),
    "LessonEditorState.open_lesson": (OWNER, {"lesson_id": 1}),
    "LessonEditorState.set_editor_open": (PUBLIC, {"value": True}),
    "LessonEditorState.save": (
        OWNER,
        {"form": {"title": "Forged", "description": "x", "is_preview": "on"}},
    ),
    "LessonEditorState.video_uploaded": (OWNER, {}),
    "LessonEditorState.upload_failed": (OWNER, {"message": "<script>x</script>"}),
    # Captions (issue 21): the lesson is the one the editor opened; the captions service
    # checks the course staff rule on every call (docs/security.md, "Captions").
    "CaptionsEditorState.load": (OWNER, {}),
    "CaptionsEditorState.set_language": (PUBLIC, {"value": "<script>"}),  # picker only
    "CaptionsEditorState.set_upload_progress": (PUBLIC, {"progress": {"progress": 0.5}}),
    "CaptionsEditorState.upload_captions": (OWNER, {}),
    "CaptionsEditorState.ask_delete": (OWNER, {"language": "en"}),
    "CaptionsEditorState.set_delete_open": (PUBLIC, {"value": True}),
    "CaptionsEditorState.confirm_delete": (OWNER, {}),
    # The player's tracks follow the lesson's access rule; the menu is this tab's display.
    "CaptionsState.load": (PUBLIC, {}),
    "CaptionsState.choose": (PUBLIC, {"value": "'; alert(1); '"}),
    # The course's own instructor or an admin; everyone else gets "not found" from the service.
    "AnalyticsState.load": (OWNER, {}),
    # The course this tab loaded; the revenue service checks the staff rule again.
    "AnalyticsState.download_revenue": (OWNER, {}),
}

ADMIN_RANGE = {"form": {"start": "2026-01-01", "end": "2026-01-31"}}

# Admin console (docs/security.md cases 18, 21, 22): ids are forged to name real rows.
RULES |= {
    "AdminOverviewState.load": (ADMIN, {}),
    "AdminOverviewState.apply_range": (ADMIN, ADMIN_RANGE),
    "AdminOverviewState.download": (ADMIN, {"table": "signups"}),
    "AdminUsersState.load": (ADMIN, {}),
    "AdminUsersState.search": (ADMIN, {"form": {"q": "%", "role": "admin"}}),
    "AdminUsersState.go_to_page": (ADMIN, {"page": 2}),
    "AdminUsersState.change_role": (ADMIN, {"user_id": 1, "role": "admin"}),
    "AdminUsersState.ask_role": (ADMIN, {"user_id": 1, "role": "admin"}),
    "AdminUsersState.ask_deactivate": (ADMIN, {"user_id": 1}),
    "AdminUsersState.close_confirm": (PUBLIC, {"open": False}),
    "AdminUsersState.confirm_pending": (ADMIN, {"form": {"password": "guess guess guess"}}),
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
    "AdminCertificatesState.load": (ADMIN, {}),
    "AdminCertificatesState.search": (ADMIN, {"form": {"q": "x"}}),
    "AdminCertificatesState.go_to_page": (ADMIN, {"page": 2}),
    "AdminCertificatesState.revoke": (
        ADMIN,
        {"form": {"number": "7KQ2M9XDABCDEFGH0123", "reason": "forged"}},
    ),
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

# Paid courses (docs/security.md cases 55, 70-74). The payments services check the caller
# on every call; a course or coupon id from the browser is checked like any other.
RULES |= {
    # The caller's own cart, wishlist and orders; prices are read on the server.
    "ShopState.add_to_cart": (SELF, {"course_id": 1}),
    "ShopState.buy_now": (SELF, {"course_id": 1}),
    "ShopState.toggle_wishlist": (SELF, {"course_id": 1}),
    "CartState.load": (SELF, {}),
    "CartState.remove": (SELF, {"course_id": 1}),
    "CartState.apply_coupon": (SELF, {"form": {"coupon": "' OR 1=1 --"}}),
    "CartState.checkout": (SELF, {"provider": "free"}),
    # Someone else's order is "not found"; only the signed webhook or an admin marks paid.
    "OrderState.load": (SELF, {}),
    "OrderState.wait_for_payment": (SELF, {}),
    "PurchasesState.load": (SELF, {}),
    "WishlistState.load": (SELF, {}),
    "WishlistState.remove": (SELF, {"course_id": 1}),
    # Admins: every coupon; instructors: their own courses' coupons only.
    "CouponsState.load": (OWNER, {}),
    "CouponsState.create": (
        OWNER,
        {"form": {"code": "FORGED", "kind": "percent", "amount": "100", "scope": "all"}},
    ),
    "CouponsState.end": (OWNER, {"coupon_id": 1}),
    "AdminOrdersState.load": (ADMIN, {}),
    "AdminOrdersState.search": (ADMIN, {"form": {"q": "%", "status": "paid"}}),
    "AdminOrdersState.go_to_page": (ADMIN, {"page": 2}),
    "AdminOrdersState.ask": (ADMIN, {"kind": "refund", "order_id": 1, "line_id": 0}),
    "AdminOrdersState.close_confirm": (PUBLIC, {"open": False}),
    "AdminOrdersState.confirm": (ADMIN, {}),
}

# Notes (issue 21; docs/security.md case 76): the caller's own notes only. The services
# answer someone else's note id "not found"; taking a note needs enrollment in the lesson's
# course. `load` shows nothing to anonymous visitors (the player's preview lessons).
RULES |= {
    "NotesState.load": (PUBLIC, {}),
    "NotesState.add_note": (ENROLLED, {"data": {"text": "forged", "second": 1}}),
    "NotesState.start_edit": (ENROLLED, {"note_id": 1}),
    "NotesState.cancel_edit": (PUBLIC, {}),
    "NotesState.save_edit": (ENROLLED, {"form": {"edit_text": "forged"}}),
    "NotesState.ask_delete": (ENROLLED, {"note_id": 1}),
    "NotesState.set_delete_open": (PUBLIC, {"value": True}),
    "NotesState.confirm_delete": (ENROLLED, {}),
    "NotesState.search": (ENROLLED, {"form": {"q": "%' OR 1=1 --"}}),
    "NotesState.export_markdown": (ENROLLED, {}),
}

# Course announcements (issue 21; docs/security.md, "Course announcements").
RULES |= {
    # The course's staff only (services/teaching/announcements.py checks on every call).
    "AnnouncementsEditorState.load": (OWNER, {}),
    "AnnouncementsEditorState.post": (OWNER, {"form": {"title": "Forged", "body": "Forged"}}),
    "AnnouncementsEditorState.ask_delete": (OWNER, {"announcement_id": 1}),
    "AnnouncementsEditorState.set_delete_open": (PUBLIC, {"value": True}),
    "AnnouncementsEditorState.confirm_delete": (OWNER, {}),
    # Reads the course in the URL; the service shows it to enrolled students and staff only.
    "CourseAnnouncementsState.load": (PUBLIC, {}),
    # The signed-in student's own enrollment in the course in the URL; others: not found.
    "CourseAnnouncementsState.set_mails": (ENROLLED, {"value": False}),
    # The signed token in the URL names the user and the course; reading changes nothing.
    "OptOutState.load": (PUBLIC, {}),
    "OptOutState.stop_mails": (PUBLIC, {}),
    "OptOutState.resume_mails": (PUBLIC, {}),
}

# Reflex adds `setvar` to every state. It only calls existing `set_<name>` handlers (auto
# setters are off), so it can do nothing the handlers above cannot.
BUILT_IN = {"setvar"}
# Reached over HTTP (/_upload), not the websocket: forged there by
# tests/e2e/test_forged_personas.py::test_a_forged_upload_changes_nothing.
WEBSOCKET_ONLY_EXCEPTIONS = {
    "ProfileState.handle_avatar_upload",
    "CourseEditorState.upload_course_thumbnail",
    "CaptionsEditorState.upload_captions",
}

# Public handlers that write, allowed only because the caller proves a secret in the same
# call: a password (sign-in), the mailed code (verify), the mailed reset token, or control of
# an address that gets the code (sign-up and resend change only an unverified account that
# nobody can use until its mailbox answers). Keep this list short: each entry is a reason.
SECRET_PROVED = {
    "SignupState.signup",
    "VerifyState.verify",
    "VerifyState.resend",
    "LoginState.login",
    "PasswordResetState.request_reset",
    "PasswordResetState.set_new_password",
    # Only the mailed, signed opt-out token (HMAC, one user and one course) lets these act.
    "OptOutState.stop_mails",
    "OptOutState.resume_mails",
}

# Handlers that only change the tab's own display and call no service; they keep the rule of
# the page they belong to, but a refused caller gets no "please sign in" message from them.
TAB_ONLY = {
    "CourseEditorState.add_line",
    "CurriculumState.open_name_dialog",
    "CurriculumState.ask_delete",
    "QuizEditorState.ask_delete",
    "AnnouncementsEditorState.ask_delete",
    "LessonEditorState.upload_failed",
    "NotesState.start_edit",
    "NotesState.ask_delete",
    "CaptionsEditorState.ask_delete",
}

# A handler whose name starts with one of these writes something (or sends mail).
WRITE_VERBS = {
    "add", "approve", "archive", "ask", "complete", "confirm", "create", "delete", "edit",
    "end", "ended", "enroll", "export", "login", "mark", "moderate", "move", "open", "pick",
    "publish", "reject", "remove", "reply", "report", "request", "resend", "save", "seek",
    "seeked", "sign", "signup", "toggle", "unpublish", "update", "upload", "verify",
    "write",
}  # fmt: skip
# Argument names that name a row; a handler that takes one is never public.
ID_ARGUMENT = r"(^|_)(id|ids|target|layout)$"
