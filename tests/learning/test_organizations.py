"""Organizations through the services and selectors: invitations (employers, staff, CSV),
accepting them, partnerships, and assignments."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone, translation
from wagtail.models import Locale

from courses.models import ModulePage, ProgramPage
from learning.models import (
    Assignment,
    Enrolment,
    Invitation,
    Membership,
    Organization,
    Partnership,
    User,
)
from learning.selectors import organizations as selectors
from learning.services import organizations as services
from learning.services.organizations import CsvImportError, InvitationError
from tests.factories.learning import EmployerFactory, PartnershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+?/(en|fr)/invitations/([\w-]+)/")


# -- Fixtures: the seeded demo ---------------------------------------------------------------


def org(legal_name: str) -> Organization:
    return Organization.objects.get(legal_name=legal_name)


@pytest.fixture
def halifax():
    return org("Halifax Newcomer Services Association")


@pytest.fixture
def moncton():
    return org("Centre d'accueil et d'établissement du Grand Moncton")


@pytest.fixture
def harbourview():
    return org("Harbourview Fabrication Ltd.")


@pytest.fixture
def islandcare():
    return org("Island Care Homes Inc.")


@pytest.fixture
def manager():
    return User.objects.get(email="manager@spo-halifax.example.com")


@pytest.fixture
def spo_staff():
    return User.objects.get(email="staff@spo-halifax.example.com")


@pytest.fixture
def moncton_manager():
    return User.objects.get(email="gestion@caegm.example.com")


@pytest.fixture
def grace():
    """Harbourview's administrator."""
    return User.objects.get(email="admin@harbourview.example.com")


@pytest.fixture
def modules() -> list[ModulePage]:
    return list(ModulePage.objects.filter(locale__language_code="en").live().order_by("path"))


@pytest.fixture
def program() -> ProgramPage:
    return ProgramPage.objects.get(locale__language_code="en")


@pytest.fixture
def new_employer(halifax):
    """An employer in an active partnership with Halifax, with an administrator and two
    employees, and nothing assigned yet."""
    employer = EmployerFactory(legal_name="Cape Breton Seafoods Ltd.")
    PartnershipFactory(spo=halifax, employer=employer)
    admin = member(employer, Membership.Role.EMPLOYER_ADMIN, email="boss@seafoods.example.com")
    first = member(employer, email="first@seafoods.example.com")
    second = member(employer, email="second@seafoods.example.com")
    return type("NewEmployer", (), {"org": employer, "admin": admin, "people": [first, second]})


def soon(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def french_date(moment) -> str:
    """``moment``'s date as the French emails write it, e.g. "7 décembre 2026"."""
    with translation.override("fr"):
        return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def token_from(email) -> str:
    return LINK.search(email.body).group(2)


def invite_employer(capture, manager, halifax, *, email="owner@newco.example.com", lang="en"):
    with capture(execute=True):
        invitation = services.employer_invite(
            spo=halifax, invited_by=manager, email=email, employer_name="NewCo", language=lang
        )
    return invitation


EMPLOYER_DETAILS = {
    "legal_name": "NewCo Manufacturing Inc.",
    "operating_name": "NewCo",
    "province": "NS",
    "community": "Dartmouth",
    "business_number": "123456789",
    "preferred_language": "en",
}


# -- Employer invitations --------------------------------------------------------------------


def test_employer_invite_sends_one_email_in_french_with_a_french_link(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        invitation = invite_employer(
            django_capture_on_commit_callbacks, manager, halifax,
            email=" Owner@NewCo.example.com ", lang="fr",
        )  # fmt: skip

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["owner@newco.example.com"]
    assert LINK.search(email.body).group(1) == "fr"
    assert email.body.startswith("Bonjour,")
    assert french_date(invitation.expires_at) in email.body
    assert "Newcomer Services" in email.subject
    assert invitation.partnership.status == Partnership.Status.INVITED
    assert invitation.partnership.employer is None
    assert invitation.expires_at == now + datetime.timedelta(days=14)


def test_employer_invite_in_english_has_an_english_email(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax, lang="en")

    assert mailoutbox[0].body.startswith("Hello,")
    assert LINK.search(mailoutbox[0].body).group(1) == "en"


def test_employer_invite_stores_only_a_digest_of_the_token(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    assert token not in invitation.token_hash
    assert services.invitation_lookup(token) == invitation


def test_employer_invite_by_spo_staff_is_refused(
    spo_staff, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    before = Partnership.objects.count()

    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
        services.employer_invite(
            spo=halifax, invited_by=spo_staff, email="x@example.com", employer_name="X",
            language="en",
        )  # fmt: skip

    assert Partnership.objects.count() == before
    assert mailoutbox == []


def test_employer_invite_by_another_spos_manager_is_refused(moncton_manager, halifax):
    with pytest.raises(PermissionDenied):
        services.employer_invite(
            spo=halifax, invited_by=moncton_manager, email="x@example.com", employer_name="X",
            language="en",
        )  # fmt: skip


def test_employer_invite_with_an_invalid_address_is_refused(manager, halifax):
    with pytest.raises(ValidationError):
        services.employer_invite(
            spo=halifax, invited_by=manager, email="not an address", employer_name="X",
            language="en",
        )  # fmt: skip

    assert not Invitation.objects.filter(organization=halifax).exists()


# -- Accepting employer invitations ----------------------------------------------------------


def test_invitation_register_creates_the_account_the_employer_and_the_partnership(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    membership = services.invitation_register(
        token=token, first_name="Olu", last_name="Adeyemi", password="harbour lights at dawn",
        language="fr", employer_details=EMPLOYER_DETAILS,
    )  # fmt: skip

    user = membership.user
    employer = membership.organization
    invitation.refresh_from_db()
    assert (user.email, user.first_name, user.preferred_language) == (
        "owner@newco.example.com",
        "Olu",
        "fr",
    )
    assert user.check_password("harbour lights at dawn")
    assert membership.role == Membership.Role.EMPLOYER_ADMIN
    assert (employer.kind, employer.legal_name, employer.business_number) == (
        "employer",
        "NewCo Manufacturing Inc.",
        "123456789",
    )
    assert invitation.partnership.employer == employer
    assert invitation.partnership.status == Partnership.Status.ACTIVE
    assert invitation.accepted_by == user
    assert selectors.partner_employer(spo=halifax, employer_id=employer.pk) == employer


def test_invitation_works_once(manager, halifax, mailoutbox, django_capture_on_commit_callbacks):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])
    services.invitation_register(
        token=token, first_name="Olu", last_name="Adeyemi", password="harbour lights at dawn",
        language="en", employer_details=EMPLOYER_DETAILS,
    )  # fmt: skip
    user = User.objects.get(email="owner@newco.example.com")

    with pytest.raises(InvitationError) as raised:
        services.invitation_accept(token=token, user=user, employer_details=EMPLOYER_DETAILS)

    assert raised.value.code == InvitationError.USED
    assert raised.value.invitation is None  # says nothing about who or where
    assert Organization.objects.filter(legal_name="NewCo Manufacturing Inc.").count() == 1


def test_invitation_register_with_a_used_link_creates_no_account(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])
    services.invitation_register(
        token=token, first_name="Olu", last_name="Adeyemi", password="harbour lights at dawn",
        language="en", employer_details=EMPLOYER_DETAILS,
    )  # fmt: skip
    users = User.objects.count()

    with pytest.raises(InvitationError) as raised:
        services.invitation_register(
            token=token, first_name="Eve", last_name="Other", password="another long password",
            language="en", employer_details=EMPLOYER_DETAILS,
        )  # fmt: skip

    assert raised.value.code == InvitationError.USED
    assert User.objects.count() == users


def test_invitation_expires_after_fourteen_days(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        with pytest.raises(InvitationError) as raised:
            services.invitation_register(
                token=token, first_name="Olu", last_name="Adeyemi",
                password="harbour lights at dawn", language="en",
                employer_details=EMPLOYER_DETAILS,
            )  # fmt: skip

    assert raised.value.code == InvitationError.EXPIRED
    assert raised.value.invitation.organization == halifax
    assert not User.objects.filter(email="owner@newco.example.com").exists()


def test_invitation_still_works_on_its_last_day(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=13, hours=23)):
        invitation = services.invitation_usable(token=token)

    assert invitation.email == "owner@newco.example.com"


def test_invitation_for_another_address_is_refused(
    manager, halifax, grace, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    with pytest.raises(InvitationError) as raised:
        services.invitation_accept(token=token, user=grace, employer_details=EMPLOYER_DETAILS)

    assert raised.value.code == InvitationError.OTHER_ADDRESS
    assert "owner@newco.example.com" not in raised.value.message
    assert Invitation.objects.get(partnership__spo=halifax, email="owner@newco.example.com")
    assert not Organization.objects.filter(legal_name="NewCo Manufacturing Inc.").exists()


def test_unknown_token_is_refused():
    with pytest.raises(InvitationError) as raised:
        services.invitation_usable(token="no-such-token")

    assert raised.value.code == InvitationError.UNKNOWN
    assert raised.value.invitation is None


def test_invitation_register_with_a_weak_password_creates_nothing(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    with pytest.raises(ValidationError) as raised:
        services.invitation_register(
            token=token, first_name="Olu", last_name="Adeyemi", password="password123",
            language="en", employer_details=EMPLOYER_DETAILS,
        )  # fmt: skip

    assert "password" in raised.value.message_dict
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not User.objects.filter(email="owner@newco.example.com").exists()


def test_invitation_register_with_invalid_employer_details_creates_no_account(
    manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax)
    token = token_from(mailoutbox[0])

    with pytest.raises(ValidationError) as raised:
        services.invitation_register(
            token=token, first_name="Olu", last_name="Adeyemi", password="harbour lights at dawn",
            language="en", employer_details={**EMPLOYER_DETAILS, "business_number": "12345"},
        )  # fmt: skip

    assert "business_number" in raised.value.message_dict
    assert not User.objects.filter(email="owner@newco.example.com").exists()


def test_invitation_register_for_an_address_with_an_account_is_refused(
    manager, halifax, grace, mailoutbox, django_capture_on_commit_callbacks
):
    invite_employer(django_capture_on_commit_callbacks, manager, halifax, email=grace.email)
    token = token_from(mailoutbox[0])

    with pytest.raises(ValidationError) as raised:
        services.invitation_register(
            token=token, first_name="Grace", last_name="C", password="harbour lights at dawn",
            language="en", employer_details=EMPLOYER_DETAILS,
        )  # fmt: skip

    assert raised.value.message_dict == {"email": ["An account already uses this address."]}


def test_employer_invitation_accepted_for_an_employer_already_administered(
    moncton_manager, moncton, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.employer_invite(
            spo=moncton, invited_by=moncton_manager, email=grace.email,
            employer_name="Harbourview", language="en",
        )  # fmt: skip
    token = token_from(mailoutbox[0])
    employers = Organization.objects.count()

    membership = services.invitation_accept(
        token=token, user=grace, employer_details={"employer": harbourview}
    )

    assert membership.organization == harbourview
    assert Organization.objects.count() == employers
    assert selectors.partner_employer(spo=moncton, employer_id=harbourview.pk) == harbourview


def test_employer_invitation_reactivates_an_ended_partnership(
    manager, halifax, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    """Regression: the pending partnership was deleted with its invitation (cascade)."""
    services.partnership_end(spo=halifax, employer=harbourview, by=manager)
    invite_employer(django_capture_on_commit_callbacks, manager, halifax, email=grace.email)
    token = token_from(mailoutbox[0])

    services.invitation_accept(token=token, user=grace, employer_details={"employer": harbourview})

    partnership = Partnership.objects.get(spo=halifax, employer=harbourview)
    assert partnership.status == Partnership.Status.ACTIVE
    assert partnership.ended_at is None
    assert not Partnership.objects.filter(spo=halifax, employer__isnull=True).exists()
    invitation = Invitation.objects.get(email=grace.email, organization=halifax)
    assert invitation.accepted_by == grace
    with pytest.raises(InvitationError):
        services.invitation_usable(token=token)


def test_employer_invitation_for_an_employer_not_administered_is_refused(
    manager, halifax, islandcare, mailoutbox, django_capture_on_commit_callbacks
):
    person = member(islandcare, email="someone@islandcare.example.com")
    invite_employer(django_capture_on_commit_callbacks, manager, halifax, email=person.email)
    token = token_from(mailoutbox[0])

    with pytest.raises(PermissionDenied):
        services.invitation_accept(
            token=token, user=person, employer_details={"employer": islandcare}
        )

    assert selectors.partner_employer(spo=halifax, employer_id=islandcare.pk) is None


# -- Staff invitations -----------------------------------------------------------------------


def test_staff_invite_sends_the_email_in_the_chosen_language(
    grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.staff_invite(
            employer=harbourview, invited_by=grace, email="Nour@Example.com", first_name="Nour",
            language="fr",
        )  # fmt: skip

    assert invitation.role == Membership.Role.EMPLOYER_LEARNER
    assert mailoutbox[0].to == ["nour@example.com"]
    assert LINK.search(mailoutbox[0].body).group(1) == "fr"
    assert french_date(invitation.expires_at) in mailoutbox[0].body


def test_staff_invite_defaults_to_the_employers_language(
    grace, harbourview, django_capture_on_commit_callbacks
):
    invitation = services.staff_invite(
        employer=harbourview, invited_by=grace, email="new@example.com"
    )

    assert invitation.language == "en"


def test_staff_invite_by_an_employee_is_refused(harbourview):
    employee = Membership.objects.filter(
        organization=harbourview, role=Membership.Role.EMPLOYER_LEARNER
    ).first()

    with pytest.raises(PermissionDenied):
        services.staff_invite(
            employer=harbourview, invited_by=employee.user, email="x@example.com", language="en"
        )


def test_staff_invite_by_another_employers_admin_is_refused(grace, islandcare):
    with pytest.raises(PermissionDenied):
        services.staff_invite(
            employer=islandcare, invited_by=grace, email="x@example.com", language="en"
        )


def test_staff_invite_of_a_member_is_refused(grace, harbourview):
    with pytest.raises(ValidationError):
        services.staff_invite(
            employer=harbourview, invited_by=grace, email="SAMUEL.okafor@harbourview.example.com",
            language="en",
        )  # fmt: skip


def test_staff_invitation_accepted_enrols_in_assignments_to_everyone(
    grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_invite(
            employer=harbourview, invited_by=grace, email="nour@example.com", language="en"
        )
    token = token_from(mailoutbox[0])

    membership = services.invitation_register(
        token=token, first_name="Nour", last_name="Saleh", password="harbour lights at dawn",
        language="en",
    )  # fmt: skip

    assigned = set(
        Assignment.objects.filter(employer=harbourview, all_learners=True).values_list(
            "module_id", flat=True
        )
    )
    enrolled = set(membership.user.enrolments.values_list("module_id", flat=True))
    assert membership.role == Membership.Role.EMPLOYER_LEARNER
    assert assigned and enrolled == assigned


def test_staff_invitation_does_not_demote_an_administrator(
    grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_invite(
            employer=harbourview, invited_by=grace, email="two@example.com", language="en"
        )
    # Before accepting, the invited person was made an administrator another way.
    second_admin = member(harbourview, Membership.Role.EMPLOYER_ADMIN, email="two@example.com")

    membership = services.invitation_accept(token=token_from(mailoutbox[0]), user=second_admin)

    assert membership.role == Membership.Role.EMPLOYER_ADMIN
    assert Membership.objects.get(user=second_admin).role == Membership.Role.EMPLOYER_ADMIN


# -- Staff invitations from a CSV file -------------------------------------------------------


def test_staff_invite_csv_invites_every_row(
    grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    data = (
        "\ufeffEmail;First_Name;Last_Name;Language\r\n"
        "a@example.com;Amina;Diallo;fr\r\n"
        "\r\n"
        "b@example.com;Ben;Smith;\r\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.staff_invite_csv(employer=harbourview, invited_by=grace, data=data)

    assert [(i.email, i.first_name, i.language) for i in invitations] == [
        ("a@example.com", "Amina", "fr"),
        ("b@example.com", "Ben", "en"),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "b@example.com"]
    assert LINK.search(mailoutbox[0].body).group(1) == "fr"


def test_staff_invite_csv_reports_errors_by_line_and_imports_nothing(
    grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    data = (
        b"email,first_name,last_name,language\n"
        b"good@example.com,Good,Row,en\n"
        b"not-an-address,Bad,Address,en\n"
        b"lang@example.com,Bad,Language,de\n"
        b"good@example.com,Same,Again,en\n"
        b"samuel.okafor@harbourview.example.com,Already,Member,en\n"
    )
    before = Invitation.objects.count()

    with pytest.raises(CsvImportError) as raised, django_capture_on_commit_callbacks(execute=True):
        services.staff_invite_csv(employer=harbourview, invited_by=grace, data=data)

    assert [error.line for error in raised.value.errors] == [3, 4, 5, 6]
    assert "line 2" in raised.value.errors[2].message
    assert Invitation.objects.count() == before
    assert mailoutbox == []


def test_staff_invite_csv_needs_a_header_row(grace, harbourview):
    with pytest.raises(CsvImportError) as raised:
        services.staff_invite_csv(
            employer=harbourview, invited_by=grace, data=b"a@example.com,A,B,en\n"
        )

    assert [error.line for error in raised.value.errors] == [1]


def test_staff_invite_csv_refuses_a_file_that_is_not_utf8(grace, harbourview):
    with pytest.raises(CsvImportError) as raised:
        services.staff_invite_csv(
            employer=harbourview, invited_by=grace, data="email\né@example.com\n".encode("cp1252")
        )

    assert [error.line for error in raised.value.errors] == [1]


def test_staff_invite_csv_refuses_an_empty_file(grace, harbourview):
    with pytest.raises(CsvImportError):
        services.staff_invite_csv(employer=harbourview, invited_by=grace, data=b"email\n")


def test_staff_invite_csv_by_an_spo_is_refused(manager, harbourview):
    with pytest.raises(PermissionDenied):
        services.staff_invite_csv(
            employer=harbourview, invited_by=manager, data=b"email\na@example.com\n"
        )


# -- Partnerships ----------------------------------------------------------------------------


def test_partnership_end_hides_the_employer_from_the_spo(manager, halifax, harbourview):
    services.partnership_end(spo=halifax, employer=harbourview, by=manager)

    assert selectors.partner_employer(spo=halifax, employer_id=harbourview.pk) is None
    assert not services.can_assign(manager, by_organization=halifax, employer=harbourview)


def test_partnership_end_by_spo_staff_is_refused(spo_staff, halifax, harbourview):
    with pytest.raises(PermissionDenied):
        services.partnership_end(spo=halifax, employer=harbourview, by=spo_staff)

    assert selectors.partner_employer(spo=halifax, employer_id=harbourview.pk) == harbourview


# -- Assignments -----------------------------------------------------------------------------


def test_can_assign_follows_roles_and_active_partnerships(
    manager, spo_staff, moncton_manager, grace, halifax, moncton, harbourview
):
    employee = (
        Membership.objects.filter(organization=harbourview, role=Membership.Role.EMPLOYER_LEARNER)
        .first()
        .user
    )

    assert services.can_assign(spo_staff, by_organization=halifax, employer=harbourview)
    assert services.can_assign(manager, by_organization=halifax, employer=harbourview)
    assert services.can_assign(grace, by_organization=harbourview, employer=harbourview)
    assert not services.can_assign(moncton_manager, by_organization=moncton, employer=harbourview)
    assert not services.can_assign(moncton_manager, by_organization=halifax, employer=harbourview)
    assert not services.can_assign(employee, by_organization=harbourview, employer=harbourview)


def test_assignment_to_everyone_enrols_everyone_with_the_due_date(
    spo_staff, halifax, new_employer, modules
):
    assignments = services.assignment_create(
        assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
        due_on=soon(), modules=modules[:1],
    )  # fmt: skip

    assert [a.merged for a in assignments] == [False]
    enrolments = Enrolment.objects.filter(module=modules[0], assignment=assignments[0])
    assert sorted(e.user.email for e in enrolments) == sorted(
        [new_employer.admin.email, *(p.email for p in new_employer.people)]
    )
    assert {e.due_on for e in enrolments} == {soon()}


def test_assignment_to_everyone_enrols_people_who_join_later(
    spo_staff, halifax, new_employer, modules
):
    services.assignment_create(
        assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
        due_on=soon(), modules=modules[:2],
    )  # fmt: skip

    newcomer = UserFactory(email="newcomer@seafoods.example.com")
    services.membership_add(
        user=newcomer, organization=new_employer.org, role=Membership.Role.EMPLOYER_LEARNER
    )

    enrolments = Enrolment.objects.filter(user=newcomer).order_by("module__path")
    assert [(e.module_id, e.due_on, e.source) for e in enrolments] == [
        (modules[0].pk, soon(), Enrolment.Source.ASSIGNMENT),
        (modules[1].pk, soon(), Enrolment.Source.ASSIGNMENT),
    ]


def test_assignment_again_merges_and_updates_the_due_date(
    spo_staff, manager, halifax, new_employer, modules
):
    services.assignment_create(
        assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
        due_on=soon(30), modules=modules[:1],
    )  # fmt: skip

    assignments = services.assignment_create(
        assigned_by=manager, by_organization=halifax, employer=new_employer.org,
        due_on=soon(60), modules=modules[:2],
    )  # fmt: skip

    assert [a.merged for a in assignments] == [True, False]
    assert Assignment.objects.filter(employer=new_employer.org).count() == 2
    first = Assignment.objects.get(employer=new_employer.org, module=modules[0])
    assert (first.due_on, first.assigned_by) == (soon(60), manager)
    assert set(
        Enrolment.objects.filter(module=modules[0], user__in=new_employer.people).values_list(
            "due_on", flat=True
        )
    ) == {soon(60)}


def test_assignment_in_french_points_at_the_canonical_module(
    spo_staff, halifax, new_employer, modules
):
    french = modules[0].get_translation(Locale.objects.get(language_code="fr"))

    assignments = services.assignment_create(
        assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
        due_on=soon(), modules=[french, modules[0]],
    )  # fmt: skip

    assert [a.module_id for a in assignments] == [modules[0].pk]


def test_assignment_to_named_people_enrols_only_them_and_merges_people(
    grace, harbourview, new_employer, modules
):
    first, second = new_employer.people
    services.assignment_create(
        assigned_by=new_employer.admin, by_organization=new_employer.org,
        employer=new_employer.org, due_on=soon(), modules=modules[2:], learners=[first],
    )  # fmt: skip

    assert list(Enrolment.objects.filter(module=modules[2]).filter(
        user__in=[first, second, new_employer.admin]
    ).values_list("user__email", flat=True)) == [first.email]  # fmt: skip

    assignments = services.assignment_create(
        assigned_by=new_employer.admin, by_organization=new_employer.org,
        employer=new_employer.org, due_on=soon(10), modules=modules[2:], learners=[second],
    )  # fmt: skip

    assert assignments[0].merged
    assert set(assignments[0].learners.all()) == {first, second}
    assert not assignments[0].all_learners
    assert Enrolment.objects.get(user=second, module=modules[2]).due_on == soon(10)
    # A named assignment does not reach people who join later.
    newcomer = UserFactory(email="later@seafoods.example.com")
    services.membership_add(
        user=newcomer, organization=new_employer.org, role=Membership.Role.EMPLOYER_LEARNER
    )
    assert not Enrolment.objects.filter(user=newcomer, module=modules[2]).exists()


def test_assignment_of_a_program_assigns_its_modules(spo_staff, halifax, new_employer, program):
    from courses.selectors import program_modules

    assignments = services.assignment_create(
        assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
        due_on=soon(), program=program,
    )  # fmt: skip

    assert [a.module_id for a in assignments] == [m.pk for m in program_modules(program=program)]
    assert {a.program_id for a in assignments} == {program.pk}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_on": timezone.localdate() - datetime.timedelta(days=1)}, "past"),
        ({"modules": []}, "at least one module"),
        ({"learners": []}, "at least one person"),
    ],
)
def test_assignment_with_invalid_input_is_refused(
    spo_staff, halifax, new_employer, modules, change, message
):
    arguments = {"due_on": soon(), "modules": modules[:1], **change}

    with pytest.raises(ValidationError) as raised:
        services.assignment_create(
            assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
            **arguments,
        )  # fmt: skip

    assert message in " ".join(raised.value.messages)
    assert not Assignment.objects.filter(employer=new_employer.org).exists()


def test_assignment_to_people_of_another_employer_is_refused(
    spo_staff, halifax, harbourview, new_employer, modules
):
    outsider = Membership.objects.filter(organization=harbourview).first().user

    with pytest.raises(ValidationError):
        services.assignment_create(
            assigned_by=spo_staff, by_organization=halifax, employer=new_employer.org,
            due_on=soon(), modules=modules[:1], learners=[outsider],
        )  # fmt: skip


def test_assignment_by_a_non_partner_spo_is_refused(moncton_manager, moncton, harbourview, modules):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            assigned_by=moncton_manager, by_organization=moncton, employer=harbourview,
            due_on=soon(), modules=modules[:1],
        )  # fmt: skip


def test_assignment_after_the_partnership_ended_is_refused(manager, halifax, new_employer, modules):
    services.partnership_end(spo=halifax, employer=new_employer.org, by=manager)

    with pytest.raises(PermissionDenied):
        services.assignment_create(
            assigned_by=manager, by_organization=halifax, employer=new_employer.org,
            due_on=soon(), modules=modules[:1],
        )  # fmt: skip


def test_assignment_by_an_employee_is_refused(new_employer, modules):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            assigned_by=new_employer.people[0], by_organization=new_employer.org,
            employer=new_employer.org, due_on=soon(), modules=modules[:1],
        )  # fmt: skip


# -- Selectors -------------------------------------------------------------------------------


def test_spo_for_only_finds_the_users_spo(manager, halifax, moncton):
    assert selectors.spo_for(user=manager, spo_id=halifax.pk) == halifax
    assert selectors.spo_for(user=manager, spo_id=moncton.pk) is None


def test_employer_for_only_finds_employers_the_user_administers(grace, harbourview, islandcare):
    employee = (
        Membership.objects.filter(organization=harbourview, role=Membership.Role.EMPLOYER_LEARNER)
        .first()
        .user
    )

    assert selectors.employer_for(user=grace, employer_id=harbourview.pk) == harbourview
    assert selectors.employer_for(user=grace, employer_id=islandcare.pk) is None
    assert selectors.employer_for(user=employee, employer_id=harbourview.pk) is None


def test_pending_invitations_leave_out_used_and_expired_ones(grace, harbourview):
    waiting = services.staff_invite(
        employer=harbourview, invited_by=grace, email="a@example.com", language="en"
    )
    used = services.staff_invite(
        employer=harbourview, invited_by=grace, email="b@example.com", language="en"
    )
    expired = services.staff_invite(
        employer=harbourview, invited_by=grace, email="c@example.com", language="en"
    )
    Invitation.objects.filter(pk=used.pk).update(accepted_at=timezone.now())
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())

    assert list(selectors.pending_invitations(organization=harbourview)) == [waiting]


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Intercultural competency at work"),
        ("fr", "La compétence interculturelle au travail"),
    ],
)
def test_assignable_modules_are_canonical_with_titles_in_the_language(
    modules, language, title, django_assert_num_queries
):
    # The source-language modules; their titles in the language.
    with django_assert_num_queries(1 if language == "en" else 2):
        choices = selectors.assignable_modules(language=language)

    assert [page.pk for page, _title in choices] == [m.pk for m in modules]
    assert choices[0][1] == title
