"""What certificates do when the learning side reports a completion. Connected in
``CertificatesConfig.ready``; ``learning`` never imports ``certificates``."""

import logging

from django.dispatch import receiver

from certificates import services, tasks
from learning.signals import module_completed

logger = logging.getLogger(__name__)


@receiver(module_completed, dispatch_uid="certificates.issue_on_completion")
def issue_on_completion(sender, enrolment, **kwargs):
    """Schedule the module certificate, and a program certificate check for every program
    that contains the module. The signal is sent after the completion has committed."""
    try:
        tasks.certificate_issue.delay(enrolment_id=enrolment.pk)
        for program_id in services.programs_for_module(module_id=enrolment.module_id):
            tasks.program_certificate_issue.delay(user_id=enrolment.user_id, program_id=program_id)
    except Exception:
        # The completion is recorded whatever happens here; a learner's request must not
        # fail because certificates could not be scheduled (or, with eager tasks, issued).
        logger.exception("certificate issuance not scheduled", extra={"enrolment": enrolment.pk})
