"""Demo accounts. Each is printed as ``DEMO <role> <email> <password>``."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import QueryDict

from learning.models import User

DEMO_ACCOUNTS = [
    # role, email, password, flags
    ("superuser", "admin@example.com", "demo-admin-2026-welcome", {"is_superuser": True}),
    ("editor", "editor@example.com", "demo-editor-2026-welcome", {"groups": ["Content editors"]}),
    (
        "moderator",
        "moderator@example.com",
        "demo-moderator-2026-welcome",
        {"groups": ["Moderators"]},
    ),
]


@transaction.atomic
def seed_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts once; a second run leaves them as they are."""
    lines = []
    for role, email, password, flags in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                first_name=role.capitalize(),
                last_name="Demo",
                is_staff=True,
                is_superuser=flags.get("is_superuser", False),
            )
            user.set_password(password)
            user.full_clean()
            user.save()
            for name in flags.get("groups", []):
                user.groups.add(Group.objects.get(name=name))
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        lines.append((role, email, password))
    return lines


LEARNER = ("learner", "learner@example.com", "demo-learner-2026-welcome")


def answers_for(attempt, *, correct: bool = True) -> QueryDict:
    """Form data answering every question of ``attempt``: right, or (with ``correct=False``)
    right only where the question cannot be answered wrongly."""
    from learning.services import attempt_items, field_name

    data = QueryDict(mutable=True)
    for item in attempt_items(attempt):
        response = item.question.model_answer()
        if not correct:
            response = item.question.wrong_answer() or response
        for name, values in item.question.form_data(response, name=field_name(item)).items():
            data.setlist(name, values)
    return data


def module_progress_make(
    *,
    user,
    module,
    lessons: int | None = None,
    passed: bool = False,
    language: str = "",
    pre_check: bool = False,
    failed_attempts: int = 0,
) -> None:
    """``user`` goes through ``module`` as a learner does, through the learning services:
    the pre-check first if ``pre_check`` (answered wrong), its first ``lessons`` lessons (all
    by default), ``failed_attempts`` final attempts answered wrong, then, if ``passed``, the
    final quiz answered right, in ``language`` (the user's own by default). The learner
    confirms the statement before each final attempt."""
    from courses.models import LessonPage, QuizPage
    from learning.models import QuizAttempt
    from learning.services import attempt_start, attempt_submit, lesson_complete

    language = language or user.preferred_language
    quiz = QuizPage.objects.child_of(module).live().first()

    def attempt(kind, correct):
        started = attempt_start(
            user=user, quiz=quiz, kind=kind, language=language, statement_confirmed=True
        )
        attempt_submit(user=user, attempt_id=started.pk, data=answers_for(started, correct=correct))

    if pre_check:
        attempt(QuizAttempt.Kind.PRE_CHECK, correct=False)
    for lesson in LessonPage.objects.child_of(module).live().order_by("path")[:lessons]:
        lesson_complete(user=user, lesson=lesson)
    for _number in range(failed_attempts):
        attempt(QuizAttempt.Kind.FINAL, correct=False)
    if passed:
        attempt(QuizAttempt.Kind.FINAL, correct=True)


@transaction.atomic
def seed_learner() -> tuple[str, str, str]:
    """The demo learner: one module completed (with a passed quiz), one in progress."""
    from courses.models import ModulePage

    role, email, password = LEARNER
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, first_name="Alex", last_name="Martin", preferred_language="en")
        user.set_password(password)
        user.full_clean()
        user.save()
    if user.enrolments.exists():
        return LEARNER
    modules = list(ModulePage.objects.filter(locale__language_code="en").live().order_by("path"))
    module_progress_make(user=user, module=modules[0], passed=True, pre_check=True)
    module_progress_make(user=user, module=modules[1], lessons=2)
    return LEARNER


SPO_MANAGER = ("spo_manager", "manager@spo-halifax.example.com", "demo-spo-manager-2026")
SPO_STAFF = ("spo_staff", "staff@spo-halifax.example.com", "demo-spo-staff-2026")
EMPLOYER_ADMIN = ("employer_admin", "admin@harbourview.example.com", "demo-employer-admin-2026")

ORGANIZATIONS = [
    # key, kind, legal name, operating name, province, community, language
    ("spo-halifax", "spo", "Halifax Newcomer Services Association", "Newcomer Services",
     "NS", "Halifax", "en"),
    ("spo-moncton", "spo", "Centre d'accueil et d'établissement du Grand Moncton", "CAEGM",
     "NB", "Moncton", "fr"),
    ("harbourview", "employer", "Harbourview Fabrication Ltd.", "Harbourview Fabrication",
     "NS", "Truro", "en"),
    ("boulangerie", "employer", "Boulangerie Acadienne inc.", "", "NB", "Shediac", "fr"),
    ("islandcare", "employer", "Island Care Homes Inc.", "Island Care", "PE",
     "Summerside", "en"),
]  # fmt: skip
PARTNERSHIPS = [("spo-halifax", "harbourview"), ("spo-halifax", "boulangerie"),
                ("spo-moncton", "boulangerie"), ("spo-moncton", "islandcare")]  # fmt: skip


def _account(email, password, first_name, last_name, language="en"):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name,
                    preferred_language=language)  # fmt: skip
        user.set_password(password)
        user.full_clean()
        user.save()
    return user


@transaction.atomic
def seed_organizations() -> list[tuple[str, str, str]]:
    """Two SPOs, three employers, partnerships, assignments, and learners in every state:
    not started, in progress, completed, overdue. Runs once; prints three demo accounts."""
    import datetime

    from django.utils import timezone

    from courses.models import ModulePage
    from learning.models import Assignment, Enrolment, Organization, Partnership
    from learning.services.organizations import (
        assignment_create,
        membership_add,
        organization_create,
    )

    lines = [SPO_MANAGER, SPO_STAFF, EMPLOYER_ADMIN]
    if Organization.objects.filter(legal_name=ORGANIZATIONS[0][2]).exists():
        return lines
    orgs = {}
    for key, kind, legal, operating, province, community, language in ORGANIZATIONS:
        orgs[key] = organization_create(
            kind=kind, legal_name=legal, operating_name=operating, province=province,
            community=community, preferred_language=language,
        )  # fmt: skip
    for spo, employer in PARTNERSHIPS:
        Partnership.objects.create(
            spo=orgs[spo], employer=orgs[employer], status=Partnership.Status.ACTIVE,
            activated_at=timezone.now(),
        )  # fmt: skip

    manager = _account(SPO_MANAGER[1], SPO_MANAGER[2], "Fatima", "Haddad")
    staff = _account(SPO_STAFF[1], SPO_STAFF[2], "Liam", "MacDonald")
    moncton = _account("gestion@caegm.example.com", "demo-spo-moncton-2026", "Chantal",
                       "LeBlanc", "fr")  # fmt: skip
    membership_add(user=manager, organization=orgs["spo-halifax"], role="spo_manager")
    membership_add(user=staff, organization=orgs["spo-halifax"], role="spo_staff")
    membership_add(user=moncton, organization=orgs["spo-moncton"], role="spo_manager")

    admin = _account(EMPLOYER_ADMIN[1], EMPLOYER_ADMIN[2], "Grace", "Chisholm")
    membership_add(user=admin, organization=orgs["harbourview"], role="employer_admin")
    people = {
        "harbourview": [("Samuel", "Okafor", "en"), ("Priya", "Nair", "en"),
                        ("Mateo", "García", "en"), ("Aisha", "Bello", "en")],
        "boulangerie": [("Joséphine", "Cormier", "fr"), ("Karim", "Benali", "fr"),
                        ("Nadia", "Haddad", "fr")],
        "islandcare": [("Maria", "Santos", "en"), ("Tran", "Minh", "en"), ("Grace", "Owusu", "en")],
    }  # fmt: skip
    staff_by_org = {}
    for key, names in people.items():
        staff_by_org[key] = []
        for first, last, language in names:
            email = f"{first}.{last}@{key}.example.com".lower().replace("é", "e").replace("í", "i")
            user = _account(email, "demo-learner-2026-welcome", first, last, language)
            membership_add(user=user, organization=orgs[key], role="employer_learner")
            staff_by_org[key].append(user)
    for admin_email, key in (("admin@boulangerie.example.com", "boulangerie"),
                             ("admin@islandcare.example.com", "islandcare")):  # fmt: skip
        user = _account(admin_email, "demo-employer-admin-2026", "Admin", key.title())
        membership_add(user=user, organization=orgs[key], role="employer_admin")

    modules = list(ModulePage.objects.filter(locale__language_code="en").live().order_by("path"))
    soon = timezone.localdate() + datetime.timedelta(days=30)
    assignment_create(assigned_by=manager, by_organization=orgs["spo-halifax"],
                      employer=orgs["harbourview"], due_on=soon, modules=modules[:2])  # fmt: skip
    assignment_create(assigned_by=manager, by_organization=orgs["spo-halifax"],
                      employer=orgs["boulangerie"], due_on=soon, modules=modules[:1])  # fmt: skip
    assignment_create(assigned_by=moncton, by_organization=orgs["spo-moncton"],
                      employer=orgs["islandcare"], due_on=soon, modules=modules)  # fmt: skip

    samuel, priya, mateo, _aisha = staff_by_org["harbourview"]
    # Five learners took the pre-check and the quiz of the first module, enough for the
    # knowledge-gain report to show figures; Priya has used two of her three attempts.
    module_progress_make(user=samuel, module=modules[0], passed=True, pre_check=True)
    module_progress_make(
        user=priya, module=modules[0], lessons=2, pre_check=True, failed_attempts=2
    )
    module_progress_make(user=mateo, module=modules[0], lessons=1)  # will be overdue
    josephine, karim, _nadia = staff_by_org["boulangerie"]
    module_progress_make(user=josephine, module=modules[0], passed=True, pre_check=True)
    module_progress_make(user=karim, module=modules[0], lessons=3)
    maria, tran, _grace = staff_by_org["islandcare"]
    module_progress_make(user=maria, module=modules[0], passed=True, pre_check=True)
    module_progress_make(user=maria, module=modules[1], passed=True)
    module_progress_make(user=tran, module=modules[2], lessons=1)

    # An overdue assignment: made a while ago (the services refuse past due dates).
    late = Assignment.objects.get(employer=orgs["harbourview"], module=modules[1])
    past = timezone.localdate() - datetime.timedelta(days=10)
    Assignment.objects.filter(pk=late.pk).update(due_on=past)
    Enrolment.objects.filter(assignment=late).update(due_on=past)
    Assignment.objects.filter(employer=orgs["harbourview"], module=modules[0]).update(due_on=past)
    Enrolment.objects.filter(assignment__employer=orgs["harbourview"], module=modules[0]).update(
        due_on=past
    )
    return lines
