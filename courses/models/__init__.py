"""What editors author: catalogue, modules, lessons, quizzes, programs, quiz questions and the
sources lessons cite."""

from courses.models.pages import (
    LessonPage,
    ModuleIndexPage,
    ModulePage,
    ProgramModule,
    ProgramPage,
    QuizPage,
)
from courses.models.policies import MIN_BANK_RATIO, CertificationPolicy
from courses.models.questions import (
    Choice,
    FeedbackRow,
    Grade,
    InvalidResponse,
    MatchingPair,
    MatchingQuestion,
    MissingResponse,
    MultipleChoiceQuestion,
    OrderingItem,
    OrderingQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.models.sources import Source

__all__ = [
    "MIN_BANK_RATIO",
    "CertificationPolicy",
    "Choice",
    "FeedbackRow",
    "Grade",
    "InvalidResponse",
    "LessonPage",
    "MatchingPair",
    "MatchingQuestion",
    "MissingResponse",
    "ModuleIndexPage",
    "ModulePage",
    "MultipleChoiceQuestion",
    "OrderingItem",
    "OrderingQuestion",
    "ProgramModule",
    "ProgramPage",
    "Question",
    "QuizPage",
    "SingleChoiceQuestion",
    "Source",
    "TrueFalseQuestion",
]
