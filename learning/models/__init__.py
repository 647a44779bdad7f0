"""People at run time: accounts, organizations and their partnerships, invitations and
assignments, enrolments, progress, quiz attempts, survey responses and reminders."""

from learning.models.accommodations import TimeAccommodation
from learning.models.organizations import (
    Assignment,
    Invitation,
    Membership,
    Organization,
    Partnership,
    Province,
    token_digest,
)
from learning.models.progress import (
    AttemptQuestion,
    Enrolment,
    LessonProgress,
    QuizAttempt,
    ReminderSent,
    SurveyResponse,
)
from learning.models.users import EmailUserManager, User

__all__ = [
    "Assignment",
    "Invitation",
    "Membership",
    "Organization",
    "Partnership",
    "Province",
    "ReminderSent",
    "token_digest",
    "AttemptQuestion",
    "EmailUserManager",
    "Enrolment",
    "LessonProgress",
    "QuizAttempt",
    "SurveyResponse",
    "TimeAccommodation",
    "User",
]
