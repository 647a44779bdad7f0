"""While the worker prepares a certificate, its block says so, and the downloads replace that
message once the certificate is stored, without reloading the page."""

import pytest
from playwright.sync_api import expect

from certificates import services
from tests.certificates.completions import minimal_completion
from tests.e2e.steps import PASSWORD, Text, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_certificate_block_shows_the_download_once_stored(windows, screenshots, language):
    t = Text(language)
    enrolment = minimal_completion()
    enrolment.user.set_password(PASSWORD)
    enrolment.user.save()
    page = sign_in(windows, email=enrolment.user.email, password=PASSWORD, t=t)
    page.goto(f"/{language}/certificates/module/{enrolment.pk}/")
    panel = page.get_by_role("region", name=t("Your certificate"))
    expect(panel).to_contain_text(
        t("Your certificate is being prepared. It usually takes less than a minute.")
    )
    page.evaluate("window.notReloaded = true")
    screenshots(page, "being prepared")

    certificate = services.certificate_issue(enrolment_id=enrolment.pk)

    link = panel.get_by_role("link", name=t("Download the certificate (PDF)"))
    expect(link).to_be_visible(timeout=20_000)
    expect(link).to_have_attribute(
        "href", f"/{language}/certificates/{certificate.code}/download.pdf"
    )
    assert page.evaluate("window.notReloaded") is True
    screenshots(page, "ready")
    assert windows.problems == []
