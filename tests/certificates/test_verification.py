"""The public verification pages (/<lang>/verify/…) and bulk verification for SPO staff."""

import datetime
import re
from urllib.parse import parse_qs, unquote, urlsplit

import base32_crockford
import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from certificates.codes import code_display, code_generate
from certificates.models import AuditEvent
from certificates.verification import code_extract, code_hash, codes_split
from learning.models import Membership
from tests.factories.certificates import CertificateFactory, retired_key
from tests.factories.learning import EmployerFactory, SpoFactory, UserFactory, member

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ATLANTIC = datetime.timezone(datetime.timedelta(hours=-4))  # AST, November


@pytest.fixture
def certificate():
    holder = UserFactory(first_name="Joséphine", last_name="Cormier", email="josephine@example.com")
    return CertificateFactory(
        pk=987654321,
        holder=holder,
        employer=EmployerFactory(legal_name="Boulangerie Acadienne inc.", province="NB"),
        issued_at=datetime.datetime(2026, 11, 20, 14, 3, 15, tzinfo=UTC),
        expires_at=datetime.datetime(2028, 11, 20, 14, 3, 15, tzinfo=UTC),
        pdf_sha256="ab" * 32,
    )


def page(client, code, language="en"):
    return client.get(f"/{language}/verify/{code}/")


def last_verification() -> AuditEvent:
    return AuditEvent.objects.filter(action=AuditEvent.Action.VERIFIED).latest("pk")


@time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=UTC), tick=False)
def test_valid_certificate_page_shows_status_printed_fields_and_pdf_hash(client, certificate):
    response = page(client, certificate.code)

    html = response.content.decode()
    assert response.status_code == 200
    assert "VALID" in html
    assert "Joséphine Cormier" in html
    assert "Boulangerie Acadienne inc. (New Brunswick)" in html
    assert "Intercultural competency at work" in html
    assert "Les compétences interculturelles au travail" in html  # both titles are printed
    assert "November 20, 2028" in html
    assert code_display(certificate.code) in html
    assert "ab" * 32 in html


@time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=UTC), tick=False)
def test_valid_certificate_page_in_french(client, certificate):
    html = page(client, certificate.code, "fr").content.decode()

    assert '<html lang="fr-CA">' in html
    # The page language's title first, the other language's below it.
    assert (
        "<dd>Les compétences interculturelles au travail<br>"
        '<span lang="en">Intercultural competency at work</span></dd>'
    ) in html
    assert "<dd>20 novembre 2028</dd>" in html


def test_page_shows_exactly_the_printed_fields(client, certificate):
    html = page(client, certificate.code).content.decode()

    fields = re.search(r'<dl class="summary-list verify-fields">(.*?)</dl>', html, re.S).group(1)
    labels = re.findall(r"<dt>(.*?)</dt>", fields)
    assert labels == [
        "Awarded to",
        "Employer",
        "Training completed",
        "Version",
        "Completed on",
        "Valid until",
        "Certificate code",
    ]


def test_page_shows_no_email_score_or_internal_id(client, certificate):
    html = page(client, certificate.code).content.decode()

    assert certificate.holder.email not in html
    assert "92.50" not in html and "92,50" not in html
    assert str(certificate.pk) not in html
    assert f"/{certificate.holder.pk}/" not in html


def test_pages_are_kept_out_of_search_engines(client, certificate):
    for url in ("/en/verify/", f"/en/verify/{certificate.code}/", "/en/verify/NOPE/"):
        response = client.get(url)

        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_pdf_check_script_is_a_local_file_and_the_page_has_no_inline_script(client, certificate):
    html = page(client, certificate.code).content.decode()

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts == [
        (' src="/static/cms/js/menu.js" defer', ""),
        (' src="/static/certificates/js/pdf-check.js" defer', ""),
    ]
    assert 'data-expected="' + "ab" * 32 + '"' in html
    assert 'type="file"' in html
    # The file input is not part of any form: nothing can submit (upload) the file.
    file_input = html.index('type="file"')
    assert html.rfind("<form", 0, file_input) < html.rfind("</form>", 0, file_input) or (
        html.rfind("<form", 0, file_input) == -1
    )
    assert "it is not uploaded" in html
    assert finders.find("certificates/js/pdf-check.js") is not None


def test_malformed_and_unknown_codes_get_identical_responses(client, certificate):
    wrong_check = code_display(certificate.code)[:-1] + (
        "X" if certificate.code[-1] != "X" else "Y"
    )
    malformed = client.get(f"/en/verify/{wrong_check}/")  # wrong check character
    garbage = client.get("/en/verify/hello-there/")
    unknown = page(client, code_generate())

    assert malformed.status_code == garbage.status_code == unknown.status_code == 404
    assert malformed.content == garbage.content == unknown.content
    assert malformed["Content-Type"] == unknown["Content-Type"]
    assert b"NOT FOUND" in unknown.content
    assert b"hello" not in garbage.content
    assert certificate.code[:8].encode() not in malformed.content


def test_verification_is_logged_by_code_hash_and_outcome(client, certificate):
    page(client, code_display(certificate.code).lower())

    event = last_verification()
    assert event.code_hash == code_hash(certificate.code)
    assert (event.certificate, event.channel, event.outcome) == (certificate, "page", "valid")
    assert event.actor is None
    assert not hasattr(event, "ip_address")


def test_malformed_code_is_logged_by_the_hash_of_the_raw_input(client):
    client.get("/en/verify/not-a-code/")

    event = last_verification()
    assert (event.code_hash, event.outcome) == (code_hash("not-a-code"), "not_found")


def test_form_redirects_to_the_certificate_page(client, certificate):
    response = client.get("/en/verify/", {"code": code_display(certificate.code).lower()})

    assert response.status_code == 302
    assert response["Location"] == f"/en/verify/{certificate.code}/"


def test_form_accepts_a_pasted_verification_address(client, certificate):
    pasted = f"https://formation.example.ca/fr/verify/{code_display(certificate.code)}/"

    response = client.get("/en/verify/", {"code": pasted})

    assert response["Location"] == f"/en/verify/{certificate.code}/"


def test_form_with_a_malformed_code_ends_on_the_not_found_page(client):
    response = client.get("/en/verify/", {"code": "1234"}, follow=True)

    assert response.status_code == 404
    assert b"NOT FOUND" in response.content


def test_empty_form_asks_for_a_code(client):
    response = client.get("/en/verify/", {"code": ""})

    assert response.status_code == 200
    assert "Enter the certificate code." in response.content.decode()


def test_code_extract_reads_codes_and_addresses():
    assert code_extract(" 7K3M-Q9TD ") == "7K3M-Q9TD"
    assert code_extract("https://x.ca/en/verify/ABC/") == "ABC"
    assert code_extract("https://x.ca/en/verify/?code=ABC") == "ABC"


def test_codes_split_keeps_spaced_codes_together():
    code = code_generate()
    spaced = " ".join(code_display(code).split("-"))

    assert codes_split(f"{code}, AAA BBB\n{spaced};x") == [code, "AAA", "BBB", spaced, "x"]


# -- Statuses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        (datetime.datetime(2028, 11, 20, 14, 3, 14, tzinfo=UTC), "VALID"),
        (datetime.datetime(2028, 11, 20, 14, 3, 15, tzinfo=UTC), "EXPIRED"),
        (datetime.datetime(2028, 11, 20, 14, 3, 16, tzinfo=UTC), "EXPIRED"),
        # The same instants in Atlantic time (AST, UTC-4).
        (datetime.datetime(2028, 11, 20, 10, 3, 14, tzinfo=ATLANTIC), "VALID"),
        (datetime.datetime(2028, 11, 20, 10, 3, 15, tzinfo=ATLANTIC), "EXPIRED"),
        (datetime.datetime(2028, 11, 20, 10, 3, 16, tzinfo=ATLANTIC), "EXPIRED"),
    ],
)
def test_expiry_boundary_to_the_second(client, certificate, moment, status):
    with time_machine.travel(moment, tick=False):
        html = page(client, certificate.code).content.decode()
        api = client.get(f"/api/v1/certificates/{certificate.code}").json()

    assert f'<p class="verify-status-label">{status}</p>' in html
    assert api["status"] == status.lower()


def test_expired_page_says_since_when_in_atlantic_time(client):
    # 02:30 UTC on November 21 is 22:30 on November 20 in Halifax.
    certificate = CertificateFactory(
        issued_at=datetime.datetime(2026, 11, 21, 2, 30, tzinfo=UTC),
        expires_at=datetime.datetime(2028, 11, 21, 2, 30, tzinfo=UTC),
    )

    with time_machine.travel(datetime.datetime(2029, 1, 1, tzinfo=UTC), tick=False):
        html = page(client, certificate.code).content.decode()

    assert "EXPIRED" in html
    assert "expired on November 20, 2028" in html


def test_revoked_page_shows_date_and_reason(client, certificate):
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = "misconduct"
    certificate.revocation_note = "Private note about the case"
    certificate.save()

    html = page(client, certificate.code).content.decode()

    assert "REVOKED" in html
    assert "Academic misconduct" in html
    assert timezone.localtime(certificate.revoked_at).strftime("%B") in html
    assert "Private note" not in html


def test_superseded_page_links_to_the_new_certificate(client, certificate):
    newer = CertificateFactory(holder=certificate.holder, employer=certificate.employer)
    certificate.superseded_by = newer
    certificate.save()

    html = page(client, certificate.code).content.decode()

    assert "SUPERSEDED" in html
    assert f'href="/en/verify/{newer.code}/"' in html
    assert code_display(newer.code) in html


def test_altered_record_fails_the_integrity_check(client, certificate):
    certificate.snapshot = {**certificate.snapshot, "holder_name": "Mallory"}
    certificate.save()

    response = page(client, certificate.code)

    html = response.content.decode()
    assert "FAILED THE INTEGRITY CHECK" in html
    assert "Mallory" not in html
    assert last_verification().outcome == "invalid"


def test_certificate_signed_with_a_retired_key_still_verifies(client):
    certificate = CertificateFactory(signing_key=retired_key())

    html = page(client, certificate.code).content.decode()

    assert '<p class="verify-status-label">VALID</p>' in html


# -- Rate limit -----------------------------------------------------------------------------


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    settings.CERTIFICATE_API_RATE = "2/m"
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Too many certificates were checked from your network"),
        ("fr", 'lang="fr-CA"'),
    ],
)
def test_rate_limit_answers_429_in_the_page_language(client, real_cache, language, text):
    for _ in range(3):
        assert client.get(f"/{language}/verify/{code_generate()}/").status_code == 404

    response = client.get(f"/{language}/verify/{code_generate()}/")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert text in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_rate_limit_is_per_address(client, real_cache):
    for _ in range(3):
        client.get("/en/verify/", REMOTE_ADDR="192.0.2.1")

    assert client.get("/en/verify/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/en/verify/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_rate_limit_trusts_forwarded_addresses_only_behind_configured_proxies(
    client, real_cache, settings
):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    for _ in range(3):
        client.get("/en/verify/", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")

    blocked = client.get("/en/verify/", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")
    other = client.get("/en/verify/", HTTP_X_FORWARDED_FOR="198.51.100.8, 10.0.0.1")

    assert (blocked.status_code, other.status_code) == (429, 200)


# -- Bulk verification ----------------------------------------------------------------------


@pytest.fixture
def spo_staff():
    return member(SpoFactory(), Membership.Role.SPO_STAFF)


def test_bulk_needs_sign_in(client):
    response = client.get("/en/verify/bulk/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("role", [Membership.Role.EMPLOYER_ADMIN, Membership.Role.EMPLOYER_LEARNER])
def test_bulk_is_not_for_employer_people(client, role):
    client.force_login(member(EmployerFactory(), role))

    assert client.get("/en/verify/bulk/").status_code == 404


def test_bulk_paste_of_mixed_codes_gives_one_row_each(client, spo_staff, certificate):
    revoked = CertificateFactory(revoked_at=timezone.now(), revocation_reason="other")
    unknown = code_generate()
    client.force_login(spo_staff)
    pasted = f"{code_display(certificate.code)}\n{revoked.code}, {unknown} garbage\n\n"

    response = client.post("/en/verify/bulk/", {"codes": pasted})

    html = response.content.decode()
    rows = re.findall(r"<tr>\s*<td><code>(.*?)</code></td>.*?verify-badge-(\w+)", html, re.S)
    assert rows == [
        (code_display(certificate.code), "valid"),
        (revoked.code, "revoked"),
        (unknown, "not_found"),
        ("garbage", "not_found"),
    ]
    assert "Joséphine Cormier" in html
    events = AuditEvent.objects.filter(action="verified", channel="bulk")
    assert events.count() == 4
    assert set(events.values_list("actor", flat=True)) == {spo_staff.pk}


def test_bulk_rejects_more_than_500_codes(client, spo_staff):
    client.force_login(spo_staff)

    response = client.post("/en/verify/bulk/", {"codes": "\n".join(["X"] * 501)})

    assert response.status_code == 200
    assert "You gave 501 codes: at most 500 can be checked at a time." in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(channel="bulk").exists()


def test_bulk_accepts_500_codes(client, spo_staff, django_assert_max_num_queries):
    client.force_login(spo_staff)
    codes = "\n".join(code_generate() for _ in range(500))

    # session, user, SPO membership; the certificates at once; the audit events in batches.
    with django_assert_max_num_queries(12):
        response = client.post("/en/verify/bulk/", {"codes": codes})

    assert "500 codes checked" in response.content.decode()


def test_bulk_csv_upload(client, spo_staff, certificate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(spo_staff)
    upload = SimpleUploadedFile(
        "codes.csv",
        f"Certificate code,Name\n{certificate.code},Jo\nnope,x\n".encode(),
        content_type="text/csv",
    )

    response = client.post("/en/verify/bulk/", {"file": upload})

    html = response.content.decode()
    assert "2 codes checked" in html
    assert "verify-badge-valid" in html and "verify-badge-not_found" in html


@pytest.mark.parametrize(
    "content,language,message",
    [
        (
            'code,note\nAAAA,"' + "x" * 140_000 + '"\n',
            "fr",
            "Ligne 2\u00a0: Une valeur de cette ligne dépasse 131072 caractères.",
        ),
        ("code\nAAAA\nBB\x00BB\n", "en", "Line 3: This line holds a NUL character"),
    ],
)
def test_bulk_csv_that_cannot_be_read_is_a_line_numbered_error(
    client, spo_staff, content, language, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(spo_staff)
    upload = SimpleUploadedFile("codes.csv", content.encode(), content_type="text/csv")

    response = client.post(f"/{language}/verify/bulk/", {"file": upload})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(channel="bulk").exists()


def test_bulk_export_is_csv(client, spo_staff, certificate):
    client.force_login(spo_staff)

    response = client.post(
        "/en/verify/bulk/", {"codes": f"{certificate.code}\n=cmd()", "format": "csv"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Code as given,Certificate code,Status,Holder,Training,Valid until"
    assert lines[1] == (
        f"{certificate.code},{code_display(certificate.code)},Valid,Joséphine Cormier,"
        "Intercultural competency at work,2028-11-20"
    )
    assert lines[2] == "'=cmd(),,Not found,,,"


def _code_with_check_symbol(symbol: str) -> str:
    """A valid code whose check character is ``symbol`` (Crockford's mod-37 check symbols
    include ``*``, ``~``, ``$``, ``=`` and ``U``, which URLs and sign-in redirects must carry)."""
    wanted = 32 + base32_crockford.check_symbols.index(symbol)
    number = 12345678901234567890
    number += (wanted - number % 37) % 37
    code = (
        base32_crockford.encode(number).rjust(16, "0")
        + base32_crockford.encode(number, checksum=True)[-1]
    )
    assert code[-1] == symbol
    return code


@pytest.mark.parametrize("symbol", list("*~$=U"))
def test_codes_ending_in_any_check_symbol_verify_and_survive_sign_in(client, symbol):
    certificate = CertificateFactory(code=_code_with_check_symbol(symbol))

    detail = client.get(reverse("verify:detail", kwargs={"code": certificate.code}))
    assert detail.status_code == 200
    assert code_display(certificate.code) in detail.content.decode()

    download = reverse("certificates:download", kwargs={"code": certificate.code, "fmt": "pdf"})
    redirect = client.get(download)
    assert redirect.status_code == 302
    (following,) = parse_qs(urlsplit(redirect["Location"]).query)["next"]
    assert unquote(following) == download  # signing in comes back to the same certificate
