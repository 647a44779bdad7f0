"""A learner completes one module in one language and another in the other language, switching
with the site's language link: for each, every lesson, a failed quiz attempt and a retake that
passes. Both certificates then wait in "My certificates". In the browser, starting in English
and starting in French; the ORM only seeds the catalogue and the account and checks the
outcome."""

import re

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from learning.models import Enrolment, QuizAttempt
from learning.services.organizations import account_create
from tests.e2e.steps import (
    PASSWORD,
    Text,
    catalogue_seed,
    download,
    lessons_walk,
    main_nav,
    module_titles,
    pdf_text,
    quiz_take,
    sign_in,
)
from tests.snapshots import seeded

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEARNER = {"email": "nour.haddad@example.com", "first_name": "Nour", "last_name": "Haddad"}
OTHER = {"en": "fr", "fr": "en"}


def module_complete(page, t: Text, screenshots, title: str, folder) -> None:
    """From the catalogue, start the module ``title``, read its lessons, fail the quiz once,
    then retake it and pass."""
    main_nav(page, t).get_by_role("link", name=t("Modules"), exact=True).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name=t("Start this module")).click()
    # Every lesson of the module, whatever their number (five or more in each module).
    assert lessons_walk(page, t) >= 5
    screenshots(page, f"{t.language} quiz")

    failed = quiz_take(page, t, correct=False)
    assert not failed.passed
    expect(page.locator(".result-summary")).to_contain_text(t("You did not pass this time."))
    screenshots(page, f"{t.language} quiz failed")

    passed = quiz_take(page, t, correct=True, retake=True)
    assert passed.passed
    expect(page.locator(".result-summary")).to_contain_text(t("You passed."))
    expect(page.get_by_text(t("You have completed the module."))).to_be_visible()
    screenshots(page, f"{t.language} quiz passed")

    # The certificate is on the results page, between the outcome and the next steps.
    panel = page.get_by_role("region", name=t("Your certificate"))
    link = panel.get_by_role("link", name=t("Download the certificate (PDF)"))
    pdf = download(page, link, folder)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert passed.enrolment.certificates.get().display_code in pdf_text(pdf)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_learner_journey(windows, screenshots, language, tmp_path):
    seeded(catalogue_seed)
    user = account_create(password=PASSWORD, language=language, **LEARNER)
    first, second = Text(language), Text(OTHER[language])
    titles = {first.language: module_titles(first.language)[0],
              second.language: module_titles(second.language)[1]}  # fmt: skip

    page = sign_in(windows, email=LEARNER["email"], password=PASSWORD, t=first)
    # Signing in leads to the learner's own start page.
    expect(page.get_by_role("heading", level=1)).to_have_text(first("My learning"))
    screenshots(page, f"{first.language} signed in")
    module_complete(page, first, screenshots, titles[first.language], tmp_path)

    # The learner switches language with the link in the page's header, and carries on.
    page.get_by_role("navigation", name=first("Language")).get_by_role("link").click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{second.language}-"))
    module_complete(page, second, screenshots, titles[second.language], tmp_path)

    # Both modules are completed and certified, under their titles in the page's language.
    shown = module_titles(second.language)[:2]
    main_nav(page, second).get_by_role("link", name=second("My learning")).click()
    completed = page.get_by_role("region", name=second("Completed"))
    for title in shown:
        expect(completed.get_by_role("link", name=title, exact=True)).to_be_visible()
    screenshots(page, "my learning")
    # Each completed module links to its certificate.
    to_certificate = rf"^{re.escape(second('Your certificate'))}\s*:\s*{re.escape(shown[0])}$"
    completed.get_by_role("link", name=re.compile(to_certificate)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(shown[0])
    expect(page.get_by_role("link", name=second("Download the certificate (PDF)"))).to_be_visible()
    screenshots(page, "certificate page")
    main_nav(page, second).get_by_role("link", name=second("My certificates")).click()
    certificates = page.locator("tbody").get_by_role("row")
    expect(certificates).to_have_count(2)
    for title in shown:
        expect(certificates.filter(has_text=title)).to_contain_text(second("Valid"))
    screenshots(page, "my certificates")

    assert windows.problems == []
    enrolments = Enrolment.objects.filter(user=user).order_by("completed_at")
    assert [enrolment.completed_at is not None for enrolment in enrolments] == [True, True]
    attempts = QuizAttempt.objects.filter(enrolment__user=user).order_by("started_at")
    assert [(a.language, a.number, a.passed) for a in attempts] == [
        (first.language, 1, False),
        (first.language, 2, True),
        (second.language, 1, False),
        (second.language, 2, True),
    ]
    assert [attempt.enrolment_id for attempt in attempts] == [
        enrolments[0].pk,
        enrolments[0].pk,
        enrolments[1].pk,
        enrolments[1].pk,
    ]
    assert Certificate.objects.filter(holder=user, kind=Certificate.Kind.MODULE).count() == 2
