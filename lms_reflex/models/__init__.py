"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from lms_reflex.models.announcements import Announcement, AnnouncementOptOut
from lms_reflex.models.api import ApiRefreshToken, ApiSession
from lms_reflex.models.auth import AuditEvent, AuthSession, EmailOtp, OtpPurpose
from lms_reflex.models.base import UtcDateTime, utcnow
from lms_reflex.models.caption import LessonCaption
from lms_reflex.models.certificate import Certificate
from lms_reflex.models.course import Category, Course, CourseStatus, Lesson, Level, Section
from lms_reflex.models.learning import Enrollment, EnrollmentSource, LessonProgress, Review
from lms_reflex.models.notes import LessonNote
from lms_reflex.models.payments import (
    CartItem,
    Coupon,
    CouponKind,
    CouponRedemption,
    CouponScope,
    Order,
    OrderLine,
    OrderStatus,
    ProcessedWebhook,
    Provider,
    WishlistItem,
)
from lms_reflex.models.questions import (
    LessonAnswer,
    LessonQuestion,
    QuestionDigest,
    QuestionVote,
)
from lms_reflex.models.quiz import (
    LessonKind,
    QuestionType,
    QuizAnswer,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    QuizSettings,
    ShowAnswers,
)
from lms_reflex.models.user import Profile, Role, User

__all__ = [
    "Announcement",
    "AnnouncementOptOut",
    "ApiRefreshToken",
    "ApiSession",
    "AuditEvent",
    "AuthSession",
    "CartItem",
    "Category",
    "Certificate",
    "Coupon",
    "CouponKind",
    "CouponRedemption",
    "CouponScope",
    "Course",
    "CourseStatus",
    "EmailOtp",
    "Enrollment",
    "EnrollmentSource",
    "Lesson",
    "LessonAnswer",
    "LessonCaption",
    "LessonKind",
    "LessonNote",
    "LessonProgress",
    "LessonQuestion",
    "Level",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OtpPurpose",
    "ProcessedWebhook",
    "Profile",
    "Provider",
    "QuestionDigest",
    "QuestionType",
    "QuestionVote",
    "QuizAnswer",
    "QuizAttempt",
    "QuizOption",
    "QuizQuestion",
    "QuizSettings",
    "Review",
    "Role",
    "Section",
    "ShowAnswers",
    "User",
    "UtcDateTime",
    "WishlistItem",
    "utcnow",
]
