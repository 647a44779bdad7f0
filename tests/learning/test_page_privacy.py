"""Course pages with a privacy setting (Wagtail view restrictions) stay private for signed-in
learners too: their progress is added to pages they may see, never to others."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def restrict(page, kind: str, **fields) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, **fields)


@pytest.mark.parametrize("step", ["module", "lesson", "quiz"])
def test_a_page_for_a_group_is_not_shown_to_a_learner_outside_it(
    signed_in, module, lessons, quiz, step
):
    page = {"module": module, "lesson": lessons[0], "quiz": quiz}[step]
    restrict(page, PageViewRestriction.GROUPS).groups.add(Group.objects.create(name="Pilot"))

    response = signed_in.get(page.url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/en/accounts/login/?next={page.url}")


def test_a_page_for_a_group_is_shown_with_progress_to_its_members(signed_in, learner, lessons):
    pilot = Group.objects.create(name="Pilot")
    restrict(lessons[0], PageViewRestriction.GROUPS).groups.add(pilot)
    learner.groups.add(pilot)

    html = signed_in.get(lessons[0].url).content.decode()

    assert "data-lesson-end" in html


def test_a_password_protected_lesson_asks_a_signed_in_learner_for_the_password(signed_in, lessons):
    restrict(lessons[0], PageViewRestriction.PASSWORD, password="pilot-2026")

    html = signed_in.get(lessons[0].url).content.decode()

    assert 'name="password"' in html
    assert "lesson-body" not in html
