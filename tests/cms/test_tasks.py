"""Background jobs of the site itself."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from cms.models import ContentPage, HomePage
from cms.tasks import publish_scheduled

pytestmark = pytest.mark.django_db


def test_scheduled_publishing_runs_every_minute():
    job = settings.CELERY_BEAT_SCHEDULE["publish-scheduled-content"]

    assert (job["task"], job["schedule"]) == ("cms.publish_scheduled", 60.0)


def test_publish_scheduled_publishes_pages_whose_time_has_come():
    home = HomePage.objects.get(locale__language_code="en")
    page = home.add_child(instance=ContentPage(title="Coming soon", slug="soon", live=False))
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()

    publish_scheduled.delay()

    page.refresh_from_db()
    assert page.live is True
