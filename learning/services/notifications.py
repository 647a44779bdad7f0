"""Telling learners that a module was assigned to them (called by the assignment services)."""

from cms.services import email_queue
from learning.models import Assignment, User
from learning.selectors.learners import module_links


def assignment_notify(*, assignment: Assignment, learners: list[User]) -> int:
    """Email each of ``learners`` (active, with an address) that ``assignment``'s module was
    assigned to them, with its link and due date, in their language. Returns how many
    emails were queued (on commit)."""
    sent = 0
    organization = assignment.assigned_by_organization.display_name
    learners = [learner for learner in learners if learner.is_active and learner.email]
    links = module_links([assignment.module], {learner.preferred_language for learner in learners})
    for learner in learners:
        title, url = links[assignment.module_id, learner.preferred_language]
        email_queue(
            to=learner.email,
            language=learner.preferred_language,
            template="learning/emails/assignment_new",
            context={
                "recipient": learner,
                "organization": organization,
                "title": title,
                "url": url,
                "due_on": assignment.due_on,
            },
        )
        sent += 1
    return sent
