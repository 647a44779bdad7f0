"""Who may open each address of the site: every URL of the project against eight roles.

The roles: a signed-out visitor; an employee of employer A; A's administrator; the
administrator of employer B (a partner of another SPO); staff of the SPO in partnership with
A; staff of an SPO that is not; a content editor; a superuser. The objects in the addresses
belong to A, its people and its partner SPO, so everyone else must get 404 for them (never
403, which would confirm that they exist, and never 200).

``MATRIX`` has one row per URL name (several for some: GET and POST, another SPO's address)
and one per page type that Wagtail serves. ``test_every_project_url_has_a_matrix_row`` walks the
URL resolver in both languages, so that a new address without a row fails the suite.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.urls import LocalePrefixPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Locale, Page, get_page_models
from wagtail_localize.models import TranslationSource

from cms.models import ContentPage, HomePage
from courses.models import LessonPage, ModuleIndexPage, ModulePage, ProgramPage, QuizPage
from courses.services import CONTENT_EDITORS, editorial_groups_ensure
from learning.models import AccessRequest, Membership
from learning.services import attempt_start
from learning.services import organizations as organization_services
from learning.services.reminders import unsubscribe_token
from tests.certificates.completions import issued, seeded_modules
from tests.factories.learning import (
    EmployerFactory,
    MembershipFactory,
    PartnershipFactory,
    SpoFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("cms", "courses", "learning", "certificates")

# Modules whose views are someone else's, with their own access rules and tests: Wagtail's
# admin, page-serving helpers, documents and images; wagtail-localize's translation editor;
# the REST framework behind Wagtail's admin API; Django's generic views used by Wagtail's
# admin (its JavaScript catalogue, its test 404 page); Django's sign-in view as Wagtail uses it
# for private pages. The project's own use of Django's account views (learning.urls.accounts)
# is in the matrix. A URL whose view lives anywhere else, and not in the project, fails
# ``test_every_url_is_in_the_matrix_or_reviewed``.
THIRD_PARTY_MODULES = (
    "wagtail.",
    "wagtail_localize.",
    "rest_framework.",
    "django.views.",
    "django.contrib.auth.views",
)

# Wagtail's catch-all: covered by one row per page type (``page:<app>.<model>``).
PAGE_SERVING = "wagtail_serve"

ROLES = (
    "anonymous",
    "learner",
    "employer_admin_a",
    "employer_admin_b",
    "spo_staff_partner",
    "spo_staff_other",
    "editor",
    "superuser",
)

# Expected answers besides plain status codes. 302 alone is a redirect that lets the visitor
# on (anywhere but a sign-in page).
LOGIN = "302 to sign-in"
ADMIN_LOGIN = "302 to admin sign-in"


# -- The world: employer A with its people, its partner SPO, and everyone else ------------------


@dataclass
class World:
    users: dict = field(default_factory=dict)
    employer_a: object = None
    employer_b: object = None
    partner_spo: object = None
    other_spo: object = None
    module: ModulePage = None
    lesson: LessonPage = None
    quiz: QuizPage = None
    certificate: object = None
    # Earned by a learner of B who later joined A too (a learner who moved).
    moved_certificate: object = None
    completed_enrolment: object = None
    graded_attempt: object = None
    open_attempt: object = None
    invitation_token: str = ""
    unsubscribe_token: str = ""
    reset_uid: str = ""
    reset_token: str = ""
    translation_source: object = None
    assignment: object = None
    access_request: object = None
    pages: dict = field(default_factory=dict)


INVITATION_LINK = re.compile(r"/(?:en|fr)/invitations/([\w-]+)/")


def _build_world() -> World:
    world = World()
    a, b = EmployerFactory(legal_name="Employer A Ltd."), EmployerFactory(legal_name="B Inc.")
    partner, other = SpoFactory(), SpoFactory()
    PartnershipFactory(spo=partner, employer=a)
    PartnershipFactory(spo=other, employer=b)
    editor = UserFactory(is_staff=True)
    editor.groups.add(editorial_groups_ensure()[CONTENT_EDITORS])
    learner = member(a)
    admin_a = member(a, Membership.Role.EMPLOYER_ADMIN)
    world.users = {
        "anonymous": None,
        "learner": learner,
        "employer_admin_a": admin_a,
        "employer_admin_b": member(b, Membership.Role.EMPLOYER_ADMIN),
        "spo_staff_partner": member(partner),
        "spo_staff_other": member(other),
        "editor": editor,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    world.employer_a, world.employer_b = a, b
    world.partner_spo, world.other_spo = partner, other

    first, second = seeded_modules()[:2]
    world.certificate = issued(learner, first)
    world.completed_enrolment = learner.enrolments.get(module=first)
    world.graded_attempt = world.completed_enrolment.attempts.get()
    world.module = second
    world.lesson = LessonPage.objects.child_of(second).live().order_by("path").first()
    world.quiz = QuizPage.objects.child_of(second).live().get()
    world.open_attempt = attempt_start(
        statement_confirmed=True, user=learner, quiz=world.quiz, language="en"
    )
    mover = member(b)
    world.moved_certificate = issued(mover, first)
    MembershipFactory(user=mover, organization=a, role=Membership.Role.EMPLOYER_LEARNER)

    outbox = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        organization_services.staff_invite(
            employer=a, invited_by=admin_a, email="new.hire@example.com", language="en"
        )
    world.invitation_token = INVITATION_LINK.search(mail.outbox[outbox].body).group(1)
    world.unsubscribe_token = unsubscribe_token(user=learner)
    [world.assignment] = organization_services.assignment_create(
        assigned_by=admin_a, by_organization=a, employer=a,
        due_on=datetime.date.today() + datetime.timedelta(days=30), modules=[second],
    )  # fmt: skip
    world.access_request = AccessRequest.objects.create(
        organization_name="Waiting Ltd.", province=partner.province, contact_name="Sam",
        contact_email="sam@waiting.example.com", size="1-4", language="en",
    )  # fmt: skip
    # Another of A's people asked for a new password (a sign-in would void the token).
    forgetful = member(a)
    world.reset_uid = urlsafe_base64_encode(force_bytes(forgetful.pk))
    world.reset_token = default_token_generator.make_token(forgetful)
    world.translation_source = TranslationSource.objects.get(
        object_id=first.translation_key, specific_content_type__model="modulepage"
    )

    def english(model):
        return model.objects.live().filter(locale__language_code="en").order_by("path").first()

    world.pages = {
        "cms.homepage": english(HomePage),
        "cms.contentpage": english(ContentPage),
        "courses.moduleindexpage": english(ModuleIndexPage),
        "courses.modulepage": second,
        "courses.lessonpage": world.lesson,
        "courses.quizpage": world.quiz,
        "courses.programpage": english(ProgramPage),
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


# -- The matrix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """How to build the address in the world, the answer expected for each of ``ROLES``, and
    the method (POST with no data, which Django's test client sends without a CSRF token)."""

    url: Callable[[World], str]
    expected: tuple
    method: str = "get"


def pk(name: str) -> Callable[[World], int]:
    return lambda world: getattr(world, name).pk


def attr(name: str) -> Callable[[World], str]:
    return lambda world: getattr(world, name)


def route(name: str, *, query: str = "", **kwargs) -> Callable[[World], str]:
    """The address of ``name`` in the world: each keyword is a value or a function of it."""

    def build(world: World) -> str:
        values = {key: value(world) if callable(value) else value for key, value in kwargs.items()}
        return reverse(name, kwargs=values) + query

    return build


def page(key: str, subpage: str = "") -> Callable[[World], str]:
    def build(world: World) -> str:
        target = world.pages[key]
        url = target.get_url()
        if subpage:
            url = url.rstrip("/") + "/" + target.specific.reverse_subpage(subpage)
        return url

    return build


def post(url, expected) -> Row:
    return Row(url, expected, method="post")


A = pk("employer_a")


def learner_id(world: World) -> int:
    return world.users["learner"].pk


PARTNER = pk("partner_spo")
OTHER_SPO = pk("other_spo")


def LEARNER(world: World) -> int:  # noqa: N802 - reads as the constants above
    return world.users["learner"].pk


def code(world: World) -> str:
    return world.certificate.code


def french_lesson(world: World):
    return world.lesson.get_translation(Locale.objects.get(language_code="fr"))


def french_lesson_submit(world: World) -> str:
    lesson = french_lesson(world)
    content_type = ContentType.objects.get_for_model(lesson.specific)
    return reverse(
        "courses_admin:translation_submit",
        kwargs={"content_type_id": content_type.pk, "object_id": lesson.pk},
    )


def first_question(model: str) -> Callable[[World], int]:
    def build(world: World) -> int:
        content_type = ContentType.objects.get(app_label="courses", model=model)
        return content_type.model_class().objects.filter(locale__language_code="en").first().pk

    return build


def moved_code(world: World) -> str:
    return world.moved_certificate.code


EVERYONE_200 = (200,) * 8
SIGNED_IN_200 = (LOGIN, *(200,) * 7)
EDITORS_ONLY = (*(ADMIN_LOGIN,) * 6, 200, 200)
EDITORS_ONLY_REDIRECTED = (*(ADMIN_LOGIN,) * 6, 302, 302)

# fmt: off
MATRIX: dict[str, Row] = {
    # Answers in this order:
    #   (anonymous,   learner, admin A, admin B, SPO of A, other SPO, editor, superuser)
    # Public keys, verification API and status list (outside the language prefix)
    "jwks": Row(route("jwks"), EVERYONE_200),
    "certificate_issuer": Row(route("certificate_issuer"), EVERYONE_200),
    "certificates_api:certificate": Row(route("certificates_api:certificate", code=code),
        EVERYONE_200),
    "certificates_api:openapi": Row(route("certificates_api:openapi"), EVERYONE_200),
    "certificates_api:status_list_jwt": Row(route("certificates_api:status_list_jwt"),
        EVERYONE_200),
    "certificates_api:status_list_json": Row(route("certificates_api:status_list_json"),
        EVERYONE_200),
    # Accounts
    "accounts:my_data": Row(route("accounts:my_data"), SIGNED_IN_200),
    "accounts:my_data_download": post(route("accounts:my_data_download"), SIGNED_IN_200),
    "accounts:my_data_download | GET": Row(route("accounts:my_data_download"),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "accounts:delete": post(route("accounts:delete"), SIGNED_IN_200),
    "accounts:delete | GET": Row(route("accounts:delete"),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "accounts:login": Row(route("accounts:login"),
        (200,         302,     302,     302,     302,      302,       302,    302)),
    "accounts:logout": post(route("accounts:logout"), (302,) * 8),
    "accounts:logout | GET": Row(route("accounts:logout"), (405,) * 8),
    "accounts:password_change": Row(route("accounts:password_change"), SIGNED_IN_200),
    "accounts:password_change_done": Row(route("accounts:password_change_done"), SIGNED_IN_200),
    "accounts:password_reset": Row(route("accounts:password_reset"), EVERYONE_200),
    "accounts:password_reset_done": Row(route("accounts:password_reset_done"), EVERYONE_200),
    "accounts:password_reset_confirm": Row(
        route("accounts:password_reset_confirm", uidb64=attr("reset_uid"),
              token=attr("reset_token")),
        (302,) * 8),
    "accounts:password_reset_complete": Row(route("accounts:password_reset_complete"),
        EVERYONE_200),
    # The learner's pages: A's learner's attempts and enrolments
    "learning:my_learning": Row(route("learning:my_learning"), SIGNED_IN_200),
    "learning:module_enrol": post(route("learning:module_enrol", module_id=pk("module")),
        (LOGIN,       302,     302,     302,     302,      302,       302,    302)),
    "learning:module_enrol | GET": Row(route("learning:module_enrol", module_id=pk("module")),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "learning:lesson_complete": post(route("learning:lesson_complete", lesson_id=pk("lesson")),
        (LOGIN,       302,     302,     302,     302,      302,       302,    302)),
    "learning:lesson_complete | GET": Row(route("learning:lesson_complete",
                                                lesson_id=pk("lesson")),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "learning:attempt_start": post(route("learning:attempt_start", quiz_id=pk("quiz")),
        (LOGIN,       302,     302,     302,     302,      302,       302,    302)),
    "learning:attempt_start | GET": Row(route("learning:attempt_start", quiz_id=pk("quiz")),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "learning:attempt": Row(route("learning:attempt", attempt_id=pk("open_attempt")),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    "learning:attempt | POST": post(route("learning:attempt", attempt_id=pk("open_attempt")),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    "learning:attempt_extend": post(route("learning:attempt_extend",
                                          attempt_id=pk("open_attempt")),
        (LOGIN,       302,     404,     404,     404,      404,       404,    404)),
    "learning:attempt_extend | GET": Row(route("learning:attempt_extend",
                                               attempt_id=pk("open_attempt")),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "learning:attempt_results": Row(route("learning:attempt_results",
                                          attempt_id=pk("graded_attempt")),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    "learning:survey": Row(route("learning:survey", enrolment_id=pk("completed_enrolment")),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    "learning:survey | POST": post(route("learning:survey",
                                         enrolment_id=pk("completed_enrolment")),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    # SPO pages: the partner SPO and its view of A
    "spo:home": Row(route("spo:home"),
        (LOGIN,       404,     404,     404,     302,      302,       404,    404)),
    "spo:dashboard": Row(route("spo:dashboard", spo_id=PARTNER),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    "spo:export": Row(route("spo:export", spo_id=PARTNER, fmt="csv"),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    # Inviting employers is for SPO managers.
    "spo:invite": Row(route("spo:invite", spo_id=PARTNER),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:invite | POST": post(route("spo:invite", spo_id=PARTNER),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:employer": Row(route("spo:employer", spo_id=PARTNER, employer_id=A),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    "spo:employer | other SPO, employer A": Row(route("spo:employer", spo_id=OTHER_SPO,
                                                      employer_id=A),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:employer_export": Row(route("spo:employer_export", spo_id=PARTNER, employer_id=A,
                                     fmt="xlsx"),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    "spo:employer_export | other SPO, employer A": Row(
        route("spo:employer_export", spo_id=OTHER_SPO, employer_id=A, fmt="csv"),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:assign": Row(route("spo:assign", spo_id=PARTNER, employer_id=A),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    "spo:assign | POST": post(route("spo:assign", spo_id=PARTNER, employer_id=A),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    "spo:assign | other SPO, employer A": post(route("spo:assign", spo_id=OTHER_SPO,
                                                     employer_id=A),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    # Ending a partnership is for SPO managers.
    "spo:partnership_end": Row(route("spo:partnership_end", spo_id=PARTNER, employer_id=A),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:partnership_end | POST": post(route("spo:partnership_end", spo_id=PARTNER,
                                             employer_id=A),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    # A learner's attempt record (and resetting attempts) is for managers of a partner SPO.
    "spo:attempt_record": Row(route("spo:attempt_record", spo_id=PARTNER, employer_id=A,
                                    learner_id=LEARNER),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:attempt_record | POST": post(route("spo:attempt_record", spo_id=PARTNER,
                                            employer_id=A, learner_id=LEARNER),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    # Employer pages: A
    "employer:home": Row(route("employer:home"),
        (LOGIN,       404,     302,     302,     404,      404,       404,    404)),
    "employer:dashboard": Row(route("employer:dashboard", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:export": Row(route("employer:export", employer_id=A, fmt="csv"),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:invite": Row(route("employer:invite", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:invite | POST": post(route("employer:invite", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:invite_csv": Row(route("employer:invite_csv", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:invite_csv | POST": post(route("employer:invite_csv", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:assign": Row(route("employer:assign", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:assign | POST": post(route("employer:assign", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    # A's learner's page, and A's administrator's actions on it.
    "employer:learner": Row(route("employer:learner", employer_id=A, user_id=learner_id),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:remind": post(route("employer:remind", employer_id=A),
        (LOGIN,       404,     302,     404,     404,      404,       404,    404)),
    "employer:remind | GET": Row(route("employer:remind", employer_id=A),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "employer:due_extend": post(route("employer:due_extend", employer_id=A,
                                      enrolment_id=pk("completed_enrolment")),
        (LOGIN,       404,     302,     404,     404,      404,       404,    404)),
    "employer:assignment_remove": post(route("employer:assignment_remove", employer_id=A,
                                             assignment_id=pk("assignment")),
        (LOGIN,       404,     302,     404,     404,      404,       404,    404)),
    "spo:learner": Row(route("spo:learner", spo_id=PARTNER, employer_id=A, user_id=learner_id),
        (LOGIN,       404,     404,     404,     200,      404,       404,    404)),
    "spo:learner | other SPO, employer A": Row(
        route("spo:learner", spo_id=OTHER_SPO, employer_id=A, user_id=learner_id),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    # Access requests: anyone may ask; reviewing is for the SPO's managers.
    "access:request": Row(route("access:request"), EVERYONE_200),
    "access:request | POST": post(route("access:request"), EVERYONE_200),
    "access:sent": Row(route("access:sent"), EVERYONE_200),
    "spo:access_requests": Row(route("spo:access_requests", spo_id=PARTNER),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:access_request_approve": post(route("spo:access_request_approve", spo_id=PARTNER,
                                             request_id=pk("access_request")),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "spo:access_request_decline": post(route("spo:access_request_decline", spo_id=PARTNER,
                                             request_id=pk("access_request")),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "employer:time_accommodations": Row(route("employer:time_accommodations", employer_id=A),
        (LOGIN,       404,     200,     404,     404,      404,       404,    404)),
    "employer:time_accommodations | POST": post(route("employer:time_accommodations",
                                                      employer_id=A),
        (LOGIN,       404,     302,     404,     404,      404,       404,    404)),
    # A's invitation to a new employee: the link is the key; signed in with another address,
    # it is refused (and says which address to use).
    "invitations:accept": Row(route("invitations:accept", token=attr("invitation_token")),
        (200,         403,     403,     403,     403,      403,       403,    403)),
    "invitations:accept | POST": post(route("invitations:accept",
                                            token=attr("invitation_token")),
        (200,         403,     403,     403,     403,      403,       403,    403)),
    # A's learner's signed unsubscribe link: the link is the key.
    "reminders:unsubscribe": Row(route("reminders:unsubscribe",
                                       token=attr("unsubscribe_token")), EVERYONE_200),
    "reminders:unsubscribe | POST": post(route("reminders:unsubscribe",
                                               token=attr("unsubscribe_token")), (302,) * 8),
    # Certificates: A's learner's certificate
    "certificates:my_certificates": Row(route("certificates:my_certificates"), SIGNED_IN_200),
    "certificates:download": Row(route("certificates:download", code=code, fmt="pdf"),
        (LOGIN,       200,     200,     404,     200,      404,       404,    404)),
    # The certificate of a completed module, and its status block: the holder's only.
    "certificates:enrolment": Row(
        route("certificates:enrolment", enrolment_id=lambda world: world.certificate.enrolment_id),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    "certificates:enrolment_status": Row(
        route("certificates:enrolment_status",
              enrolment_id=lambda world: world.certificate.enrolment_id),
        (LOGIN,       200,     404,     404,     404,      404,       404,    404)),
    # A learner who earned a certificate at B, then joined A: it stays with B (and B's SPO)
    # unless they share it with A.
    "certificates:download | earned at B by a learner who moved to A": Row(
        route("certificates:download", code=moved_code, fmt="pdf"),
        (LOGIN,       404,     404,     200,     404,      200,       404,    404)),
    # Only the holder shares, and only with an employer they belong to: a POST with no
    # employer is refused to everyone, the holder too.
    "certificates:share": post(route("certificates:share", code=code),
        (LOGIN,       404,     404,     404,     404,      404,       404,    404)),
    "certificates:share | GET": Row(route("certificates:share", code=code),
        (LOGIN,       405,     405,     405,     405,      405,       405,    405)),
    "verify:form": Row(route("verify:form"), EVERYONE_200),
    "verify:guide": Row(route("verify:guide"), EVERYONE_200),
    "verify:detail": Row(route("verify:detail", code=code), EVERYONE_200),
    "verify:bulk": Row(route("verify:bulk"),
        (LOGIN,       404,     404,     404,     200,      200,       404,    200)),
    "verify:bulk | POST": post(route("verify:bulk"),
        (LOGIN,       404,     404,     404,     200,      200,       404,    200)),
    # Revoking and reissuing are for SPO managers and superusers.
    "verify:manage": Row(route("verify:manage"),
        (LOGIN,       404,     404,     404,     404,      404,       404,    200)),
    "verify:revoke": Row(route("verify:revoke", code=code),
        (LOGIN,       404,     404,     404,     404,      404,       404,    200)),
    "verify:revoke | POST": post(route("verify:revoke", code=code),
        (LOGIN,       404,     404,     404,     404,      404,       404,    200)),
    "verify:reissue": Row(route("verify:reissue", code=code),
        (LOGIN,       404,     404,     404,     404,      404,       404,    200)),
    "verify:reissue | POST": post(route("verify:reissue", code=code),
        (LOGIN,       404,     404,     404,     404,      404,       404,    200)),
    # The project's views in Wagtail's admin: editors and superusers
    "courses_admin:lesson_review": Row(route("courses_admin:lesson_review"), EDITORS_ONLY),
    "courses_admin:translation_status": Row(route("courses_admin:translation_status"),
        EDITORS_ONLY),
    "courses_admin:quiz_questions_translate": post(
        route("courses_admin:quiz_questions_translate", quiz_id=pk("quiz"), query="?locale=fr"),
        EDITORS_ONLY_REDIRECTED),
    "courses_admin:quiz_questions_translate | GET": Row(
        route("courses_admin:quiz_questions_translate", quiz_id=pk("quiz"), query="?locale=fr"),
        (*(ADMIN_LOGIN,) * 6, 405, 405)),
    "admin/localize/update/<int:translation_source_id>/": Row(
        lambda world: f"/admin/localize/update/{world.translation_source.pk}/", EDITORS_ONLY),
    "learning_evaluation": Row(route("learning_evaluation"), EDITORS_ONLY),
    # Resetting a learner's attempts in the admin: site administrators only (Wagtail sends
    # editors back to the admin's home page).
    "learning_attempts_reset": Row(route("learning_attempts_reset"),
        (*(ADMIN_LOGIN,) * 6, 302, 200)),
    "learning_attempts_reset | POST": post(route("learning_attempts_reset"),
        (*(ADMIN_LOGIN,) * 6, 302, 302)),
    "courses_admin:question_types": Row(route("courses_admin:question_types"), EDITORS_ONLY),
    # Submitting a translation for moderation answers with a redirect to the translation.
    "courses_admin:translation_submit": post(french_lesson_submit, EDITORS_ONLY_REDIRECTED),
    # Editors are sent back to the page; those who may publish are asked to confirm.
    "admin/localize/page/<int:page_id>/convert_to_alias/": Row(
        lambda world: f"/admin/localize/page/{french_lesson(world).pk}/convert_to_alias/",
        (*(ADMIN_LOGIN,) * 6, 302, 200)),
    **{
        f"wagtailsnippets_courses_{model}:edit": Row(
            route(f"wagtailsnippets_courses_{model}:edit", pk=first_question(model)), EDITORS_ONLY)
        for model in ("singlechoicequestion", "multiplechoicequestion", "truefalsequestion",
                      "orderingquestion", "matchingquestion")
    },
    **{
        f"wagtailsnippets_courses_{model}:add": Row(
            route(f"wagtailsnippets_courses_{model}:add"), EDITORS_ONLY)
        for model in ("singlechoicequestion", "multiplechoicequestion", "truefalsequestion",
                      "orderingquestion", "matchingquestion")
    },
    # Pages served by Wagtail, one per page type (and the catalogue's feeds)
    "page:cms.homepage": Row(page("cms.homepage"), EVERYONE_200),
    "page:cms.contentpage": Row(page("cms.contentpage"), EVERYONE_200),
    "page:courses.moduleindexpage": Row(page("courses.moduleindexpage"), EVERYONE_200),
    "page:courses.moduleindexpage:feed_rss": Row(page("courses.moduleindexpage", "feed_rss"),
        EVERYONE_200),
    "page:courses.moduleindexpage:feed_atom": Row(page("courses.moduleindexpage", "feed_atom"),
        EVERYONE_200),
    "page:courses.modulepage": Row(page("courses.modulepage"), EVERYONE_200),
    "page:courses.lessonpage": Row(page("courses.lessonpage"), EVERYONE_200),
    "page:courses.quizpage": Row(page("courses.quizpage"), EVERYONE_200),
    "page:courses.programpage": Row(page("courses.programpage"), EVERYONE_200),
}
# fmt: on


# -- Walking the URL resolver -------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    key: str
    route: str
    view_module: str
    defined_in: str


def view_module(callback) -> str:
    """The module of the view behind ``callback``, through decorators (Wagtail's admin wraps
    every admin view) and ``as_view()``."""
    view = callback
    while not hasattr(view, "view_class") and hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return getattr(view, "view_class", view).__module__


def _urlconf_name(resolver: URLResolver, parent: str) -> str:
    urlconf = resolver.urlconf_name
    if isinstance(urlconf, str):
        return urlconf
    return getattr(urlconf, "__name__", parent)


def walk(resolver, *, prefix: str = "", namespace: str = "", defined_in: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            piece = (
                "<language>/"
                if isinstance(pattern.pattern, LocalePrefixPattern)
                else pattern.pattern
            )
            yield from walk(
                pattern,
                prefix=f"{prefix}{piece}",
                namespace=inner,
                defined_in=_urlconf_name(pattern, defined_in),
            )
            continue
        route = f"{prefix}{pattern.pattern}"
        if pattern.name:
            key = f"{namespace}:{pattern.name}" if namespace else pattern.name
        else:
            key = route
        yield Found(key, route, view_module(pattern.callback), defined_in)


def all_urls() -> list[Found]:
    """Every URL pattern of the site, in both languages."""
    found = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found += walk(get_resolver(), defined_in=settings.ROOT_URLCONF)
    return found


def in_project(module: str) -> bool:
    return module.split(".")[0] in PROJECT_APPS


def is_project_url(url: Found) -> bool:
    return in_project(url.view_module) or in_project(url.defined_in)


def page_rows_needed() -> set[str]:
    """One row per page type of the project, and one per named route of a routable page
    (its own address aside)."""
    keys = set()
    for model in get_page_models():
        if model is Page or not in_project(model.__module__):
            continue
        label = model._meta.label_lower
        keys.add(f"page:{label}")
        if issubclass(model, RoutablePageMixin):
            for pattern in model.get_subpage_urls():
                if str(pattern.pattern) and pattern.name:
                    keys.add(f"page:{label}:{pattern.name}")
    return keys


def matrix_names() -> set[str]:
    return {key.split(" | ")[0] for key in MATRIX}


# -- The tests ----------------------------------------------------------------------------------


def test_every_project_url_has_a_matrix_row():
    urls = [url for url in all_urls() if url.key != PAGE_SERVING and is_project_url(url)]
    assert len({url.key for url in urls}) > 40  # the walk reached every include
    missing = sorted({url.key for url in urls} - matrix_names())
    missing += sorted(page_rows_needed() - matrix_names())
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"


def test_every_url_is_in_the_matrix_or_reviewed():
    """A URL outside the project's modules is someone else's, from a reviewed list; a new
    library's URLs must be reviewed (added to THIRD_PARTY_MODULES) or given rows."""
    unreviewed = sorted(
        f"{url.key} ({url.view_module})"
        for url in all_urls()
        if url.key != PAGE_SERVING
        and not is_project_url(url)
        and not url.view_module.startswith(THIRD_PARTY_MODULES)
    )
    assert unreviewed == [], f"URLs of modules neither the project's nor reviewed: {unreviewed}"


def test_every_matrix_row_names_a_url_of_the_site():
    names = {url.key for url in all_urls()} | page_rows_needed()
    stale = sorted(matrix_names() - names)
    assert stale == [], f"rows for URLs the site no longer has: {stale}"


def test_every_row_has_an_answer_for_every_role():
    wrong = sorted(key for key, row in MATRIX.items() if len(row.expected) != len(ROLES))
    assert wrong == []


def _is_sign_in(location: str, login_url: str, requested: str) -> bool:
    """A redirect to ``login_url`` that comes back to ``requested`` afterwards. The path may
    come back percent-encoded (a code's check character can be ``=`` or ``$``), which resolves
    to the same URL."""
    parts = urlsplit(location)
    following = parse_qs(parts.query).get("next", [])
    return parts.path == login_url and [unquote(path) for path in following] == [unquote(requested)]


def _answer(response, requested: str) -> object:
    """What a response amounts to, in the matrix's terms."""
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if _is_sign_in(location, reverse("accounts:login"), requested):
        return LOGIN
    if _is_sign_in(location, reverse("wagtailadmin_login"), requested):
        return ADMIN_LOGIN
    return 302


@pytest.mark.parametrize("role", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("key", list(MATRIX))
def test_permission(client, world, key, role):
    row = MATRIX[key]
    user = world.users[ROLES[role]]
    if user is not None:
        client.force_login(user)
    url = row.url(world)
    response = getattr(client, row.method)(url)
    answer = _answer(response, url)
    where = f" (to {response['Location']})" if response.status_code == 302 else ""
    assert answer == row.expected[role], (
        f"{row.method.upper()} {url} as {ROLES[role]}: {answer}{where}, "
        f"expected {row.expected[role]}"
    )
