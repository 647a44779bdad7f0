"""A task goes through Redis to a real worker process and does its work there."""

import pytest

from cms.tasks import email_send
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def test_email_send_runs_in_a_real_worker_through_redis(transactional_db, celery_worker_process):
    result = email_send.delay(
        subject="Bienvenue", body="Bonjour de la part du travailleur.", to=["learner@example.com"]
    )

    # The worker serves the whole session: find this test's message among its emails.
    files = wait_for(
        lambda: [
            path
            for path in celery_worker_process.mail_dir.iterdir()
            if "Subject: Bienvenue" in path.read_text()
        ],
        what="the worker's email file",
    )
    message = files[0].read_text()
    assert "learner@example.com" in message
    assert result.id in celery_worker_process.log.read_text()
