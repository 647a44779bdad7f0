"""Reads of the learning side, always scoped to the requesting person. ``progress``: a
learner's own modules and attempts, and editors' aggregates. ``organizations``: what SPO and
employer staff may see of their organizations."""

from learning.selectors.assessment import (
    MIN_LEARNERS,
    LessonGain,
    attempt_records,
    knowledge_gain_by_lesson,
    learner_enrolments,
    partner_learner,
    review_lessons,
)
from learning.selectors.progress import (
    KnowledgeGain,
    ModuleProgress,
    QuestionAnalysis,
    QuizAnalysis,
    attempt_display,
    done_pages,
    knowledge_gain,
    learner_attempt,
    learner_attempts,
    learner_enrolment,
    learner_modules,
    learner_progress,
    quiz_item_analysis,
    seconds_left,
)

__all__ = [
    "MIN_LEARNERS",
    "LessonGain",
    "attempt_records",
    "knowledge_gain_by_lesson",
    "learner_enrolments",
    "partner_learner",
    "review_lessons",
    "KnowledgeGain",
    "ModuleProgress",
    "QuestionAnalysis",
    "QuizAnalysis",
    "attempt_display",
    "done_pages",
    "knowledge_gain",
    "learner_attempt",
    "learner_attempts",
    "learner_enrolment",
    "learner_modules",
    "learner_progress",
    "quiz_item_analysis",
    "seconds_left",
]
