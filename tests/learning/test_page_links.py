# ruff: noqa: F811 (the fixtures imported from test_organizations are used as arguments)
"""The pages people start from lead to what they may do: the SPO dashboard to inviting an
employer (managers only), an employer's page to assigning modules, the employer dashboard to
inviting employees, and every page to certificate verification."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.learning.test_organizations import (  # noqa: F401 (fixtures)
    grace,
    halifax,
    harbourview,
    manager,
    spo_staff,
)

pytestmark = pytest.mark.django_db


def page_html(client, user, name: str, language: str = "en", **kwargs) -> str:
    client.force_login(user)
    with translation.override(language):
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def link(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return f'href="{reverse(name, kwargs=kwargs)}"'


def test_spo_dashboard_links_managers_to_inviting_an_employer(client, manager, halifax):
    html = page_html(client, manager, "spo:dashboard", spo_id=halifax.pk)

    assert link("spo:invite", spo_id=halifax.pk) in html


def test_spo_dashboard_offers_staff_no_invitation(client, spo_staff, halifax):
    html = page_html(client, spo_staff, "spo:dashboard", spo_id=halifax.pk)

    assert link("spo:invite", spo_id=halifax.pk) not in html


def test_partner_employer_page_links_to_assigning_modules(client, spo_staff, halifax, harbourview):
    html = page_html(
        client, spo_staff, "spo:employer", "fr", spo_id=halifax.pk, employer_id=harbourview.pk
    )

    assert link("spo:assign", "fr", spo_id=halifax.pk, employer_id=harbourview.pk) in html
    assert "Affecter des modules à Harbourview Fabrication" in html


def test_employer_dashboard_links_to_inviting_and_assigning(client, grace, harbourview):
    html = page_html(client, grace, "employer:dashboard", employer_id=harbourview.pk)

    assert link("employer:invite", employer_id=harbourview.pk) in html
    assert link("employer:assign", employer_id=harbourview.pk) in html


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Verify a certificate"), ("fr", "Vérifier une attestation")]
)
def test_every_page_links_to_certificate_verification(client, grace, language, label):
    html = page_html(client, grace, "learning:my_learning", language)

    assert f"{link('verify:form', language)}>{label}</a>" in html


def test_signed_out_visitors_find_certificate_verification(client):
    html = client.get("/fr/").content.decode()

    assert f"{link('verify:form', 'fr')}>Vérifier une attestation</a>" in html
