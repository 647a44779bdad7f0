"""The main navigation: what signed-in people find in it, in both languages."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories.learning import UserFactory

pytestmark = pytest.mark.django_db


def my_certificates_url(language: str) -> str:
    with translation.override(language):
        return reverse("certificates:my_certificates")


@pytest.mark.parametrize("language,label", [("en", "My certificates"), ("fr", "Mes attestations")])
def test_signed_in_navigation_links_to_my_certificates(client, language, label):
    client.force_login(UserFactory())

    html = client.get(f"/{language}/").content.decode()

    start = html.index('<nav class="site-nav"')
    nav = html[start : html.index("</nav>", start)]
    assert f'<li><a href="{my_certificates_url(language)}">{label}</a></li>' in nav


@pytest.mark.parametrize("language", ["en", "fr"])
def test_signed_out_navigation_has_no_certificates_link(client, language):
    html = client.get(f"/{language}/").content.decode()

    assert f'href="{my_certificates_url(language)}"' not in html
