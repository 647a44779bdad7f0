"""A manager's daily work, on the demo's organizations, in English and in French.

The employer's administrator reminds every learner with an overdue module from the dashboard,
is told that a second reminder the same day sends nothing more, opens one learner's page from
the dashboard and gives a module a later due date. The SPO's manager approves an employer's
request for access (the employer gets the invitation by email and can follow it), assigns a
module to a partner employer, opens one of its learners, and revokes a certificate starting
from the SPO dashboard. Everything happens in the browser; the ORM only seeds the demo and
checks the outcome. Each step is photographed in a desktop window and on a phone.
"""

import datetime

import pytest
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from certificates.models import Certificate
from learning.demo import EMPLOYER_ADMIN, SPO_MANAGER
from learning.models import AccessRequest, Assignment, Enrolment, Organization, ReminderSent
from learning.services.nudges import MANUAL_KIND
from tests.e2e.steps import (
    Text,
    both_widths,
    demo_seed,
    error_pages,
    field,
    invitation_link,
    main_nav,
    messages,
    module_titles,
    open_window,
    revocation_fill,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEARNER = "Mateo García"  # overdue on both modules the SPO assigned
# At Boulangerie Acadienne, the SPO's other partner.
HOLDER = {"email": "josephine.cormier@boulangerie.example.com", "name": "Joséphine Cormier"}
REQUEST = {"organization": "Fundy Tide Outfitters", "contact": "Rachel Comeau",
           "email": "rachel@fundytide.example.com"}  # fmt: skip


def localized_date(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_employer_admin_reminds_opens_a_learner_and_changes_a_due_date(
    windows, screenshots, mailoutbox, language
):
    employer = demo_seed()
    t = Text(language)
    today = timezone.localdate()
    overdue = set(
        Enrolment.objects.filter(
            assignment__employer=employer, completed_at__isnull=True, due_on__lt=today
        ).values_list("user_id", flat=True)
    )
    assert len(overdue) >= 2

    admin = sign_in(windows, email=EMPLOYER_ADMIN[1], password=EMPLOYER_ADMIN[2], t=t)
    errors = error_pages(admin)
    main_nav(admin, t).get_by_role("link", name=t("Employer dashboard")).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(str(employer))
    both_widths(screenshots, admin, "employer dashboard")

    # Everyone with an overdue module gets one reminder...
    remind = admin.locator("form.remind-overdue").get_by_role("button")
    before = len(mailoutbox)
    remind.click()
    expect(messages(admin)).to_contain_text(
        t.plural("Reminder sent to %(count)d person.", "Reminders sent to %(count)d people.",
                 len(overdue))
    )  # fmt: skip
    assert len(mailoutbox) - before == len(overdue)
    assert {email.to[0] for email in mailoutbox[before:]} == set(
        employer.memberships.filter(user_id__in=overdue).values_list("user__email", flat=True)
    )
    both_widths(screenshots, admin, "overdue learners reminded")

    # ... and a second reminder the same day sends nothing more, and says so.
    before = len(mailoutbox)
    remind.click()
    said = t.plural(
        "Already reminded today, so nothing more was sent: %(names)s.",
        "Already reminded today, so nothing more was sent: %(names)s.",
        len(overdue),
        names="\0",
    ).split("\0")
    for part in said:
        expect(messages(admin)).to_contain_text(part)
    expect(messages(admin)).to_contain_text(LEARNER)
    assert len(mailoutbox) == before
    assert ReminderSent.objects.filter(kind=MANUAL_KIND).count() == len(overdue)
    both_widths(screenshots, admin, "second reminder sends nothing")

    # The learner's page opens from their name in the list, and shows the reminder.
    admin.get_by_role("link", name=LEARNER, exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(LEARNER)
    reminders = admin.get_by_role("region", name=t("Reminders sent"))
    expect(reminders).to_contain_text(localized_date(today, language))
    expect(reminders).to_contain_text(t("reminder from the employer"))
    both_widths(screenshots, admin, "learner page")

    # A later due date for one of the learner's overdue modules.
    record = admin.locator(".record").filter(has=admin.locator("form.due-form")).first
    title = record.get_by_role("heading", level=3).inner_text()
    later = today + datetime.timedelta(days=21)
    record.get_by_label(t("New due date for “%(title)s”", title=title)).fill(later.isoformat())
    record.get_by_role("button", name=t("Change the due date")).click()
    expect(messages(admin)).to_contain_text(
        t("The due date is now %(date)s.", date=localized_date(later, language))
    )
    expect(admin.get_by_role("heading", level=1)).to_have_text(LEARNER)
    record = admin.locator(".record").filter(has=admin.get_by_role("heading", name=title))
    expect(record.first).to_contain_text(localized_date(later, language))
    both_widths(screenshots, admin, "due date changed")
    enrolment = Enrolment.objects.get(
        user__first_name="Mateo", assignment__employer=employer, due_on=later
    )
    assert enrolment.completed_at is None

    # The page leads back to the dashboard.
    back = t("Back to the dashboard of %(name)s", name=str(employer))
    admin.get_by_role("link", name=back).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(str(employer))

    assert errors == []
    assert windows.problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_spo_manager_approves_access_assigns_opens_a_learner_and_revokes(
    windows, screenshots, mailoutbox, language
):
    employer = demo_seed()
    t = Text(language)
    spo = Organization.objects.get(memberships__user__email=SPO_MANAGER[1])
    modules = module_titles(language)
    due = timezone.localdate() + datetime.timedelta(days=45)

    # An employer nobody invited asks for access from the home page.
    visitor = open_window(windows, language)
    visitor_errors = error_pages(visitor)
    visitor.goto(f"/{language}/")
    both_widths(screenshots, visitor, "home page")
    visitor.get_by_role("link", name=t("Request access"), exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        t("Request access for your organization")
    )
    field(visitor, capfirst(t("organization name"))).fill(REQUEST["organization"])
    field(visitor, capfirst(t("province or territory"))).select_option("NS")
    field(visitor, capfirst(t("number of employees"))).select_option("5-19")
    field(visitor, capfirst(t("your name"))).fill(REQUEST["contact"])
    field(visitor, capfirst(t("your email address"))).fill(REQUEST["email"])
    visitor.get_by_role("group", name=t("Language for our answer")).get_by_role(
        "radio", name=t("French" if language == "fr" else "English")
    ).check()
    both_widths(screenshots, visitor, "access request filled in")
    visitor.get_by_role("button", name=t("Send the request")).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(t("Request sent"))
    both_widths(screenshots, visitor, "access request sent")
    assert AccessRequest.objects.get().status == AccessRequest.Status.PENDING

    # The SPO's manager approves it from the dashboard; the invitation goes out.
    manager = sign_in(windows, email=SPO_MANAGER[1], password=SPO_MANAGER[2], t=t)
    manager_errors = error_pages(manager)
    main_nav(manager, t).get_by_role("link", name=t("SPO dashboard")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(spo.display_name)
    both_widths(screenshots, manager, "spo dashboard")
    manager.get_by_role("main").get_by_role("link", name=t("Access requests")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(t("Access requests"))
    expect(manager.locator(".record")).to_contain_text(REQUEST["email"])
    both_widths(screenshots, manager, "access requests")
    manager.get_by_role(
        "button", name=t("Approve and invite %(name)s", name=REQUEST["organization"])
    ).click()
    expect(messages(manager)).to_contain_text(
        t("Invitation sent to %(email)s for %(organization)s.",
          email=REQUEST["email"], organization=REQUEST["organization"])
    )  # fmt: skip
    with translation.override(language):
        approved = str(AccessRequest.Status.APPROVED.label)
    expect(manager.locator(".record")).to_contain_text(approved)
    both_widths(screenshots, manager, "access request approved")

    # The invitation arrives, in the language asked for, and opens the sign-up.
    visitor.goto(invitation_link(mailoutbox, REQUEST["email"], language))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        t("%(spo)s invites your business to Welcoming Workplaces", spo=spo.display_name)
    )
    expect(field(visitor, t("Legal name"))).to_have_value(REQUEST["organization"])
    both_widths(screenshots, visitor, "invitation from the access request")

    # The manager assigns the third module to a partner employer.
    main_nav(manager, t).get_by_role("link", name=t("SPO dashboard")).click()
    manager.get_by_role("link", name=employer.display_name).click()
    assign = t("Assign modules to %(employer)s", employer=str(employer))
    manager.get_by_role("link", name=assign).click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(assign)
    manager.get_by_role("group", name=t("Modules")).get_by_role("checkbox", name=modules[2]).check()
    field(manager, t("Due date")).fill(due.isoformat())
    both_widths(screenshots, manager, "module to assign")
    before = len(mailoutbox)
    manager.get_by_role("button", name=t("Assign"), exact=True).click()
    expect(messages(manager)).to_contain_text(str(employer))
    expect(manager.get_by_role("heading", level=1)).to_have_text(str(employer))
    both_widths(screenshots, manager, "module assigned")
    assigned = Assignment.objects.get(employer=employer, module__title=module_titles("en")[2])
    assert assigned.due_on == due
    # Each of the employer's people is told of the new module.
    assert {email.to[0] for email in mailoutbox[before:]} == set(
        employer.memberships.values_list("user__email", flat=True)
    )

    # The manager opens one of the employer's learners from the list.
    manager.get_by_role("link", name=LEARNER, exact=True).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(LEARNER)
    expect(manager.get_by_role("region", name=t("Modules"))).to_contain_text(modules[2])
    expect(manager.get_by_role("button", name=t("Send a reminder"))).to_have_count(0)
    both_widths(screenshots, manager, "spo learner page")

    # From the SPO dashboard (not the menu), the manager revokes a certificate.
    certificate = Certificate.objects.get(
        holder__email=HOLDER["email"], kind=Certificate.Kind.MODULE
    )
    code = certificate.display_code
    manager.get_by_role("navigation", name=t("Breadcrumb")).get_by_role("link").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(str(employer))
    main_nav(manager, t).get_by_role("link", name=t("SPO dashboard")).click()
    manager.get_by_role("main").get_by_role("link", name=t("Manage certificates")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(t("Manage certificates"))
    both_widths(screenshots, manager, "certificates to manage")
    revocation_fill(manager, t, code=code, holder=HOLDER["name"], note="Issued under a typo.")
    both_widths(screenshots, manager, "revocation to confirm")
    manager.get_by_role("button", name=t("Yes, revoke the certificate")).click()
    expect(messages(manager)).to_contain_text(t("Certificate %(code)s is revoked.", code=code))
    expect(manager.get_by_role("row").filter(has_text=code)).to_contain_text(t("Revoked"))
    both_widths(screenshots, manager, "certificate revoked")
    certificate.refresh_from_db()
    assert certificate.revocation_reason == Certificate.RevocationReason.ISSUED_IN_ERROR

    assert (visitor_errors, manager_errors) == ([], [])
    assert windows.problems == []
