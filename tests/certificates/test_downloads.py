"""Downloads: "My certificates", the stored PDF and the Open Badges credential for the holder,
their employer's administrators and partner SPO staff (404 for anyone else), the public key
set, the export command, and the certificate columns of the dashboards."""

import datetime
import hashlib
import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from certificates import openbadges, signing
from certificates.models import AuditEvent, Certificate
from certificates.wagtail_hooks import CertificateColumns
from learning.dashboard_columns import Link
from learning.models import Membership, Partnership
from tests.certificates.completions import issued, learner_of, seeded_module, seeded_modules
from tests.factories.learning import EmployerFactory, PartnershipFactory, SpoFactory, member


@pytest.fixture
def employer(db):
    return EmployerFactory(legal_name="Harbourview Fabrication Ltd.")


@pytest.fixture
def holder(employer):
    return learner_of(employer, first_name="Priya", last_name="Nair")


@pytest.fixture
def certificate(holder):
    return issued(holder)


def pdf_url(certificate, code=None) -> str:
    return reverse("certificates:download", args=[code or certificate.code, "pdf"])


def downloads(certificate) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(certificate=certificate, action="downloaded").values_list(
            "actor_id", "channel"
        )
    )


# -- My certificates ------------------------------------------------------------------------


def test_my_certificates_lists_the_learners_own_certificates(client, holder, certificate):
    someone_else = issued()
    client.force_login(holder)

    response = client.get("/en/certificates/")

    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.display_code in page
    assert someone_else.display_code not in page
    assert "Intercultural competency at work" in page
    assert "Valid" in page
    for fmt in ("pdf", "json", "jwt"):
        assert reverse("certificates:download", args=[certificate.code, fmt]) in page


def test_my_certificates_shows_titles_in_the_page_language(client, holder, certificate):
    client.force_login(holder)

    page = client.get("/fr/certificates/").content.decode()

    assert "La compétence interculturelle au travail" in page


def test_my_certificates_shows_revoked_and_expired_certificates_as_such(client, holder):
    first, second = seeded_modules()[:2]
    revoked = issued(holder, first)
    expired = issued(holder, second, now=timezone.now() - datetime.timedelta(days=3 * 366))
    Certificate.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now(), revocation_reason=Certificate.RevocationReason.OTHER
    )
    client.force_login(holder)

    page = client.get("/en/certificates/").content.decode()

    assert "certificate-status-revoked" in page
    assert "certificate-status-expired" in page
    assert expired.display_code in page


def test_my_certificates_asks_to_sign_in(client, db):
    response = client.get("/en/certificates/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [1, 3])
def test_my_certificates_takes_the_same_queries_however_many(
    client, holder, count, django_assert_num_queries
):
    for module in seeded_modules()[:count]:
        issued(holder, module)
    client.force_login(holder)

    # session, user with the roles shown in the navigation, the learner's employers and the
    # certificates they share (for the share buttons), the learner's certificates
    with django_assert_num_queries(5):
        response = client.get("/en/certificates/")

    assert response.content.decode().count("certificate-status-valid") == count


# -- Downloading the PDF --------------------------------------------------------------------


def test_the_holder_downloads_the_stored_pdf(client, holder, certificate):
    client.force_login(holder)

    response = client.get(pdf_url(certificate))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.display_code}.pdf"'
    )
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert downloads(certificate) == [(holder.pk, "pdf")]


@pytest.mark.parametrize("typed", ["lower", "display", "spaced"])
def test_the_code_may_be_typed_in_any_accepted_form(client, holder, certificate, typed):
    forms = {
        "lower": certificate.code.lower(),
        "display": certificate.display_code,
        "spaced": certificate.display_code.replace("-", " ").lower(),
    }
    client.force_login(holder)

    response = client.get(pdf_url(certificate, forms[typed]))

    assert response.status_code == 200


def test_a_malformed_or_unknown_code_is_not_found(client, holder, certificate):
    client.force_login(holder)
    wrong_check = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")

    assert client.get(pdf_url(certificate, "not-a-code")).status_code == 404
    assert client.get(pdf_url(certificate, wrong_check)).status_code == 404
    assert client.get(pdf_url(certificate, "0000000000000000" + "0")).status_code == 404
    assert downloads(certificate) == []


def test_another_learner_gets_not_found_and_nothing_is_recorded(client, employer, certificate):
    colleague = learner_of(employer)
    client.force_login(colleague)

    response = client.get(pdf_url(certificate))

    assert response.status_code == 404
    assert downloads(certificate) == []


def test_the_employers_administrator_downloads_their_peoples_certificates(
    client, employer, certificate
):
    admin = member(employer, Membership.Role.EMPLOYER_ADMIN)
    client.force_login(admin)

    assert client.get(pdf_url(certificate)).status_code == 200
    assert downloads(certificate) == [(admin.pk, "pdf")]


def test_another_employers_administrator_gets_not_found(client, certificate):
    admin = member(EmployerFactory(), Membership.Role.EMPLOYER_ADMIN)
    client.force_login(admin)

    assert client.get(pdf_url(certificate)).status_code == 404


@pytest.mark.parametrize("role", [Membership.Role.SPO_STAFF, Membership.Role.SPO_MANAGER])
def test_staff_of_an_active_partner_spo_download_the_employers_certificates(
    client, employer, certificate, role
):
    spo = SpoFactory()
    PartnershipFactory(spo=spo, employer=employer)
    staff = member(spo, role)
    client.force_login(staff)

    assert client.get(pdf_url(certificate)).status_code == 200
    assert downloads(certificate) == [(staff.pk, "pdf")]


@pytest.mark.parametrize("status", [Partnership.Status.ENDED, None])
def test_spo_staff_without_an_active_partnership_get_not_found(
    client, employer, certificate, status
):
    spo = SpoFactory()
    if status is not None:
        PartnershipFactory(spo=spo, employer=employer, status=status)
    client.force_login(member(spo))

    assert client.get(pdf_url(certificate)).status_code == 404


def test_a_missing_stored_pdf_is_rendered_again_on_download(client, holder, certificate):
    certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(holder)

    response = client.get(pdf_url(certificate))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert certificate.pdf.storage.exists(certificate.pdf.name)


# -- Downloading the Open Badges credential -------------------------------------------------


def test_the_open_badges_credential_downloads_as_json(client, holder, certificate):
    client.force_login(holder)

    response = client.get(reverse("certificates:download", args=[certificate.code, "json"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.display_code}.openbadges.json"'
    )
    assert json.loads(response.content) == openbadges.credential_secured(certificate)
    assert downloads(certificate) == [(holder.pk, "openbadges")]


def test_the_open_badges_credential_downloads_as_a_signed_jwt(client, holder, certificate):
    client.force_login(holder)

    response = client.get(reverse("certificates:download", args=[certificate.code, "jwt"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt; charset=utf-8"
    assert signing.verify(response.content.decode()) == openbadges.credential_claims(certificate)


def test_an_unknown_format_is_not_found(client, holder, certificate):
    client.force_login(holder)

    response = client.get(reverse("certificates:download", args=[certificate.code, "docx"]))

    assert response.status_code == 404


# -- The public key set ---------------------------------------------------------------------


def test_the_key_set_publishes_the_current_and_retired_public_keys(client, db):
    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == ["test-2026", "test-retired"]
    assert all(key["kty"] == "OKP" and key["alg"] == "EdDSA" and "d" not in key for key in keys)


# -- The export command ---------------------------------------------------------------------


def test_export_certificate_writes_the_stored_pdf(certificate, tmp_path):
    target = tmp_path / "out.pdf"
    out = io.StringIO()

    call_command("export_certificate", certificate.display_code.lower(), output=target, stdout=out)

    assert hashlib.sha256(target.read_bytes()).hexdigest() == certificate.pdf_sha256
    assert certificate.display_code in out.getvalue()
    assert downloads(certificate) == [(None, "command")]


def test_export_certificate_renders_a_missing_pdf_again(certificate, tmp_path):
    certificate.pdf.storage.delete(certificate.pdf.name)
    target = tmp_path / "out.pdf"

    call_command("export_certificate", certificate.code, "--output", str(target))

    assert hashlib.sha256(target.read_bytes()).hexdigest() == certificate.pdf_sha256


def test_export_certificate_refuses_an_invalid_code(db, tmp_path):
    with pytest.raises(CommandError, match="not a valid certificate code"):
        call_command("export_certificate", "7K3M-Q9TD", output=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_export_certificate_refuses_an_unknown_code(db, tmp_path):
    with pytest.raises(CommandError, match="No certificate has the code"):
        call_command("export_certificate", "0000-0000-0000-0000-0", output=tmp_path / "x.pdf")


def test_export_certificate_exits_non_zero_from_the_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "export_certificate", "nope", "-o", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "cms.settings.test", "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 1
    assert "not a valid certificate code" in result.stderr


# -- Dashboard columns ----------------------------------------------------------------------


def test_employer_columns_count_valid_and_soon_expiring_certificates_in_one_query(
    employer, django_assert_num_queries
):
    module = seeded_module()
    issued(learner_of(employer), module)
    issued(learner_of(employer), module, now=timezone.now() - datetime.timedelta(days=720))
    issued(learner_of(employer), module, now=timezone.now() - datetime.timedelta(days=800))
    revoked = issued(learner_of(employer), module)
    Certificate.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now(), revocation_reason=Certificate.RevocationReason.OTHER
    )
    other = EmployerFactory()
    issued(learner_of(other), module)

    with django_assert_num_queries(1):
        values = CertificateColumns().employer_values(
            employer_ids=[employer.pk, other.pk, EmployerFactory.build(pk=10**9).pk],
            module_id=None,
        )
    with django_assert_num_queries(1):
        other_module = CertificateColumns().employer_values(
            employer_ids=[employer.pk], module_id=module.pk + 10**6
        )

    assert values == {
        employer.pk: {"certificates_valid": 2, "certificates_expiring": 1},
        other.pk: {"certificates_valid": 1, "certificates_expiring": 0},
    }
    assert other_module == {}


def test_learner_columns_link_each_learners_certificate_in_one_query(
    employer, holder, certificate, django_assert_num_queries
):
    colleague = learner_of(employer)
    module_id = certificate.module_id

    with django_assert_num_queries(1):
        values = CertificateColumns().learner_values(
            rows=[(holder.pk, module_id), (colleague.pk, module_id)]
        )

    assert values == {
        (holder.pk, module_id): {
            "certificate": Link("Valid", pdf_url(certificate)),
            "certificate_expires": timezone.localtime(certificate.expires_at).date(),
        }
    }
