"""A settlement organization (SPO) invites an employer and assigns it two modules; the
employer's administrator accepts and invites two employees from a CSV file; both accept, and
one completes a module and downloads the certificate from her results page. A provincial
officer, without an account, verifies the certificate by its code and by its QR code. The SPO
follows the dashboard, exports it and revokes the certificate. Everything happens in the
browser, in English and in French; the ORM only seeds the SPO and the catalogue and checks the
outcome."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from certificates.models import Certificate
from learning.models import Assignment, Invitation, Membership, Organization, Partnership
from learning.services.organizations import account_create, membership_add, organization_create
from tests.e2e.steps import (
    PASSWORD,
    QR_TOOLS,
    Text,
    catalogue_seed,
    download,
    field,
    invitation_link,
    lessons_walk,
    main_nav,
    messages,
    module_titles,
    need_tools,
    open_window,
    pdf_text,
    qr_decode,
    quiz_take,
    revocation_fill,
    rows_apart,
    sign_in,
)
from tests.snapshots import seeded

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MANAGER = {"email": "manager@newcomers-halifax.example.com", "first_name": "Fatima",
           "last_name": "Haddad"}  # fmt: skip
EMPLOYER = {"email": "owner@tidewater.example.com", "name": "Tidewater Boatworks",
            "first_name": "Colin", "last_name": "MacNeil", "community": "Lunenburg"}  # fmt: skip
STAFF = [
    {"email": "amina.diallo@tidewater.example.com", "first_name": "Amina", "last_name": "Diallo"},
    {"email": "jordan.smith@tidewater.example.com", "first_name": "Jordan", "last_name": "Smith"},
]


def spo_seed(language: str) -> Organization:
    """The site, the bilingual catalogue, and an SPO with its manager."""
    seeded(catalogue_seed)
    spo = organization_create(
        kind=Organization.Kind.SPO,
        legal_name="Halifax Newcomer Services Association",
        operating_name="Newcomer Services",
        province="NS",
        community="Halifax",
        preferred_language=language,
    )
    manager = account_create(
        email=MANAGER["email"],
        first_name=MANAGER["first_name"],
        last_name=MANAGER["last_name"],
        password=PASSWORD,
        language=language,
    )
    membership_add(user=manager, organization=spo, role=Membership.Role.SPO_MANAGER)
    return spo


def account_fill(page, t: Text, person: dict) -> None:
    field(page, t("First name")).fill(person["first_name"])
    field(page, t("Last name")).fill(person["last_name"])
    field(page, t("Password")).fill(PASSWORD)
    field(page, t("Password again")).fill(PASSWORD)


def row_of(page, text: str):
    return page.get_by_role("row").filter(has_text=text)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_organization_journey(windows, screenshots, mailoutbox, tmp_path, language):
    need_tools(QR_TOOLS)
    spo = spo_seed(language)
    t = Text(language)
    modules = module_titles(language)
    due = timezone.localdate() + datetime.timedelta(days=30)

    # The SPO manager signs in, opens the SPO dashboard and invites an employer.
    manager = sign_in(windows, email=MANAGER["email"], password=PASSWORD, t=t)
    main_nav(manager, t).get_by_role("link", name=t("SPO dashboard")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(spo.display_name)
    manager.get_by_role("link", name=t("Invite an employer")).click()
    field(manager, t("Email address of the person to invite")).fill(EMPLOYER["email"])
    field(manager, t("Employer name")).fill(EMPLOYER["name"])
    manager.get_by_role("group", name=t("Language of the invitation email")).get_by_role(
        "radio", name=t("French" if language == "fr" else "English")
    ).check()
    screenshots(manager, "employer invitation filled in")
    manager.get_by_role("button", name=t("Send the invitation")).click()
    expect(messages(manager)).to_contain_text(EMPLOYER["email"])
    expect(row_of(manager, EMPLOYER["email"])).to_contain_text(EMPLOYER["name"])
    screenshots(manager, "employer invited")

    # The employer's administrator follows the emailed link, creates the two accounts and
    # lands on the employer's dashboard.
    admin = open_window(windows, language)
    admin.goto(invitation_link(mailoutbox, EMPLOYER["email"], language))
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        t("%(spo)s invites your business to Welcoming Workplaces", spo=spo.display_name)
    )
    account_fill(admin, t, EMPLOYER)
    about = admin.get_by_role("group", name=t("About the employer"))
    expect(field(about, t("Legal name"))).to_have_value(EMPLOYER["name"])
    field(about, t("Community")).fill(EMPLOYER["community"])
    screenshots(admin, "employer invitation accepted")
    admin.get_by_role("button", name=t("Create my account and accept")).click()
    expect(messages(admin)).to_contain_text(
        t("Welcome. You now manage %(employer)s on Welcoming Workplaces.",
          employer=EMPLOYER["name"])
    )  # fmt: skip
    expect(admin.get_by_role("heading", level=1)).to_have_text(EMPLOYER["name"])
    screenshots(admin, "employer dashboard")
    employer = Organization.objects.get(legal_name=EMPLOYER["name"])
    assert Partnership.objects.get(spo=spo, employer=employer).status == "active"

    # The SPO assigns two modules to everyone at the employer.
    main_nav(manager, t).get_by_role("link", name=t("SPO dashboard")).click()
    manager.get_by_role("link", name=EMPLOYER["name"]).click()
    assign = t("Assign modules to %(employer)s", employer=EMPLOYER["name"])
    manager.get_by_role("link", name=assign).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(assign)
    choices = manager.get_by_role("group", name=t("Modules"))
    for title in modules[:2]:
        choices.get_by_role("checkbox", name=title).check()
    field(manager, t("Due date")).fill(due.isoformat())
    expect(
        manager.get_by_role(
            "radio",
            name=t("Everyone at %(employer)s, including people who join later",
                   employer=EMPLOYER["name"]),
        )
    ).to_be_checked()  # fmt: skip
    screenshots(manager, "modules to assign")
    manager.get_by_role("button", name=t("Assign"), exact=True).click()
    expect(messages(manager)).to_contain_text(EMPLOYER["name"])
    expect(manager.get_by_role("heading", level=1)).to_have_text(EMPLOYER["name"])
    screenshots(manager, "modules assigned")
    assignments = Assignment.objects.filter(employer=employer, assigned_by_organization=spo)
    assert sorted(assignments.values_list("module__title", "due_on", "all_learners")) == sorted(
        (title, due, True) for title in module_titles("en")[:2]
    )

    # The administrator invites two employees from a CSV file.
    admin.get_by_role("link", name=t("Invite an employee")).click()
    admin.get_by_role("link", name=t("Invite several people at once from a CSV file")).click()
    rows = ["email,first_name,last_name,language"] + [
        f"{person['email']},{person['first_name']},{person['last_name']},{language}"
        for person in STAFF
    ]
    field(admin, t("CSV file")).set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv",
                "buffer": ("\n".join(rows) + "\n").encode()}]
    )  # fmt: skip
    screenshots(admin, "csv file chosen")
    admin.get_by_role("button", name=t("Check the file and send the invitations")).click()
    expect(messages(admin)).to_contain_text(
        t.plural("%(count)s invitation sent.", "%(count)s invitations sent.", 2)
    )
    for person in STAFF:
        expect(row_of(admin, person["email"])).to_contain_text(person["first_name"])
    screenshots(admin, "staff invited")

    # Both employees accept; each lands on My learning with the two modules assigned.
    learners = []
    for person in STAFF:
        learner = open_window(windows, language)
        learner.goto(invitation_link(mailoutbox, person["email"], language))
        account_fill(learner, t, person)
        learner.get_by_role("button", name=t("Create my account and accept")).click()
        expect(messages(learner)).to_contain_text(
            t("Welcome. You have joined %(employer)s on Welcoming Workplaces.",
              employer=EMPLOYER["name"])
        )  # fmt: skip
        expect(learner.get_by_role("heading", level=1)).to_have_text(t("My learning"))
        for title in modules[:2]:
            expect(learner.get_by_role("heading", name=title)).to_be_visible()
        learners.append(learner)
    screenshots(learners[0], "my learning")
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 0

    # The SPO's dashboard counts the two employees and the administrator, each with the two
    # modules, and nothing completed.
    manager.goto(f"/{language}/spo/{spo.pk}/")
    employer_row = row_of(manager, EMPLOYER["name"])
    cells = employer_row.get_by_role("cell")  # province, learners, assigned, in progress, ...
    expect(cells.nth(1)).to_have_text("3")
    expect(cells.nth(2)).to_have_text("6")
    expect(cells.nth(4)).to_have_text("0")  # completed
    screenshots(manager, "dashboard before completion")

    # The first employee completes the first module: its lessons, then its quiz.
    amina = learners[0]
    start = re.compile(rf"^{re.escape(t('Start'))}\s*:\s*{re.escape(modules[0])}$")
    amina.get_by_role("link", name=start).click()
    assert lessons_walk(amina, t) == 5
    screenshots(amina, "quiz page")
    attempt = quiz_take(amina, t, correct=True)
    assert attempt.passed
    expect(amina.get_by_text(t("You have completed the module."))).to_be_visible()
    screenshots(amina, "quiz passed")

    # She downloads her certificate from the results page, where it waits for her.
    panel = amina.get_by_role("region", name=t("Your certificate"))
    expect(panel).to_contain_text(t("Valid"))
    code = panel.locator("code").inner_text()
    link = panel.get_by_role("link", name=t("Download the certificate (PDF)"))
    pdf = download(amina, link, tmp_path)
    main_nav(amina, t).get_by_role("link", name=t("My certificates")).click()
    expect(row_of(amina, modules[0])).to_contain_text(code)
    screenshots(amina, "my certificates")
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert f"{STAFF[0]['first_name']} {STAFF[0]['last_name']}" in text
    assert code in text

    # The SPO sees the completion on the dashboard, and in the employer's export.
    manager.goto(f"/{language}/spo/{spo.pk}/")
    expect(cells.nth(4)).to_have_text("1")
    screenshots(manager, "dashboard after completion")
    employer_row.get_by_role("link", name=EMPLOYER["name"]).click()
    xlsx = download(manager, manager.get_by_role("link", name=t("Excel (XLSX)")), tmp_path)
    sheet = load_workbook(xlsx).active
    header, *lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:4] == [t("Learner"), t("Email"), t("Module"), t("Status")]
    staff_lines = {(line[1], line[2]): line for line in lines if line[1] != EMPLOYER["email"]}
    amina_done = staff_lines.pop((STAFF[0]["email"], modules[0]))
    assert amina_done[3] == t("Completed")
    assert (amina_done[4].date(), amina_done[5].date()) == (due, timezone.localdate())
    assert amina_done[6] == float(attempt.score)
    assert set(staff_lines) == {
        (person["email"], title) for person in STAFF for title in modules[:2]
    } - {(STAFF[0]["email"], modules[0])}
    assert {line[3] for line in staff_lines.values()} == {t("Not started")}

    # A provincial officer, with no account, verifies the certificate by typing its code...
    officer = open_window(windows, language)
    officer.goto(f"/{language}/")
    officer.get_by_role("contentinfo").get_by_role("link", name=t("Verify a certificate")).click()
    field(officer, t("Certificate code or verification address")).fill(
        code.lower().replace("-", " ")
    )
    officer.get_by_role("button", name=t("Verify"), exact=True).click()
    expect(officer.get_by_role("status")).to_contain_text(t("VALID"))
    # What the certificate says: each field on a row of its own, wide and narrow.
    fields = officer.locator(".verify-fields .summary-list-row")
    expect(fields.first).to_be_visible()
    rows_apart(officer, fields)
    screenshots(officer, "officer: certificate valid")
    officer.set_viewport_size({"width": 390, "height": 844})
    rows_apart(officer, fields)
    screenshots(officer, "officer: certificate valid, narrow")
    officer.set_viewport_size({"width": 1280, "height": 900})

    # ... and by the QR code printed on the PDF, which opens the same page.
    certificate = Certificate.objects.get(holder__email=STAFF[0]["email"])
    assert certificate.display_code == code
    decoded = qr_decode(pdf)
    assert decoded == [f"{settings.SITE_URL}/{language}/verify/{certificate.code}/"]
    officer.goto(urlsplit(decoded[0]).path)  # the same address on the test server
    expect(officer.get_by_role("heading", level=1)).to_contain_text(code)
    expect(officer.get_by_role("status")).to_contain_text(t("VALID"))
    officer.get_by_label(t("Certificate PDF")).set_input_files(pdf)
    expect(officer.locator("#pdf-check-result")).to_have_text(
        t("The file matches: it is exactly the PDF we issued for this certificate.")
    )
    screenshots(officer, "officer: certificate valid from its qr code")

    # The SPO revokes it from certificate management; verification then says so.
    manager.get_by_role("contentinfo").get_by_role("link", name=t("Verify a certificate")).click()
    manager.get_by_role("link", name=t("Revoke or correct certificates")).click()
    holder = f"{STAFF[0]['first_name']} {STAFF[0]['last_name']}"
    revocation_fill(manager, t, code=code, holder=holder, note="Completed under another account.")
    screenshots(manager, "revocation to confirm")
    manager.get_by_role("button", name=t("Yes, revoke the certificate")).click()
    expect(messages(manager)).to_contain_text(t("Certificate %(code)s is revoked.", code=code))
    expect(row_of(manager, code)).to_contain_text(t("Revoked"))
    screenshots(manager, "certificate revoked")

    manager.get_by_role("link", name=code).click()
    expect(manager.get_by_role("status")).to_contain_text(t("REVOKED"))
    screenshots(manager, "verification says revoked")
    response = manager.goto(f"/api/v1/certificates/{code}")
    document = json.loads(response.text())
    assert (document["status"], document["revocation_reason"]) == ("revoked", "issued_in_error")
    amina.reload()
    expect(row_of(amina, modules[0])).to_contain_text(t("Revoked"))

    assert windows.problems == []
