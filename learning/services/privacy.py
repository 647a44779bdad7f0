"""A person's own data: downloading it, and deleting the account.

Other apps add what they hold about a person through Wagtail hooks (certificates does):

- ``personal_data_export``: ``fn(user) -> (section_name, JSON-serializable data)``.
- ``personal_data_erase``: ``fn(user, *, revoke_certificates: bool)``, called before the
  account is deleted, inside the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from learning.models import Enrolment, LessonProgress, Membership, QuizAttempt


def personal_data(*, user) -> dict:
    """Everything the platform holds about ``user``, for download (PIPEDA access)."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "joined": user.date_joined.isoformat(),
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
            "optional_reminders": not user.reminders_opt_out,
        },
        "organizations": [
            {
                "organization": m.organization.legal_name,
                "kind": m.organization.kind,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "modules": [],
    }
    lessons = {}
    for progress in LessonProgress.objects.filter(enrolment__user=user).select_related("lesson"):
        lessons.setdefault(progress.enrolment_id, []).append(
            {"lesson": progress.lesson.title, "done_at": progress.completed_at.isoformat()}
        )
    attempts = {}
    for attempt in (
        QuizAttempt.objects.filter(enrolment__user=user)
        .prefetch_related("items__question")
        .order_by("number")
    ):
        attempts.setdefault(attempt.enrolment_id, []).append(
            {
                "kind": attempt.kind,
                "number": attempt.number,
                "started_at": attempt.started_at.isoformat(),
                "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
                "status": attempt.status,
                "score": str(attempt.score) if attempt.score is not None else None,
                "passed": attempt.passed,
                "answers": [
                    {
                        "question": item.question.prompt,
                        "answer": item.response,
                        "points": str(item.points) if item.points is not None else None,
                    }
                    for item in attempt.items.all()
                ],
            }
        )
    for enrolment in Enrolment.objects.filter(user=user).select_related("module"):
        data["modules"].append(
            {
                "module": enrolment.module.title,
                "enrolled_at": enrolment.created_at.isoformat(),
                "due_on": enrolment.due_on.isoformat() if enrolment.due_on else None,
                "completed_at": enrolment.completed_at.isoformat()
                if enrolment.completed_at
                else None,
                "lessons_done": lessons.get(enrolment.pk, []),
                "quiz_attempts": attempts.get(enrolment.pk, []),
            }
        )
    for export in hooks.get_hooks("personal_data_export"):
        name, section = export(user)
        data[name] = section
    return data


@transaction.atomic
def account_delete(*, user, revoke_certificates: bool = False) -> None:
    """Delete ``user``'s account. Progress and quiz answers stay, anonymized, for evaluation
    (enrolments lose their link to the person); memberships and invitations go. Issued
    certificates stay verifiable unless ``revoke_certificates``."""
    for erase in hooks.get_hooks("personal_data_erase"):
        erase(user, revoke_certificates=revoke_certificates)
    user.delete()
