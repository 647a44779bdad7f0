"""Factories for people and their progress."""

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from courses.models import ModulePage, QuizPage
from learning.models import (
    AttemptQuestion,
    Enrolment,
    Membership,
    Organization,
    Partnership,
    QuizAttempt,
    TimeAccommodation,
    User,
)


class UserFactory(DjangoModelFactory):
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("a long enough password")

    class Meta:
        model = User
        skip_postgeneration_save = True


class OrganizationFactory(DjangoModelFactory):
    kind = Organization.Kind.EMPLOYER
    legal_name = factory.Sequence(lambda n: f"Organization {n} Inc.")
    province = "NS"
    community = "Truro"
    preferred_language = "en"

    class Meta:
        model = Organization


class SpoFactory(OrganizationFactory):
    kind = Organization.Kind.SPO
    legal_name = factory.Sequence(lambda n: f"Settlement Services {n}")


class EmployerFactory(OrganizationFactory):
    kind = Organization.Kind.EMPLOYER
    legal_name = factory.Sequence(lambda n: f"Employer {n} Ltd.")


class MembershipFactory(DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(EmployerFactory)
    role = Membership.Role.EMPLOYER_LEARNER

    class Meta:
        model = Membership


class PartnershipFactory(DjangoModelFactory):
    spo = factory.SubFactory(SpoFactory)
    employer = factory.SubFactory(EmployerFactory)
    status = Partnership.Status.ACTIVE
    activated_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Partnership


def member(organization, role=None, **user_fields):
    """A new person with ``role`` in ``organization`` (employee or SPO staff by default)."""
    if role is None:
        role = (
            Membership.Role.SPO_STAFF
            if organization.kind == Organization.Kind.SPO
            else Membership.Role.EMPLOYER_LEARNER
        )
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


def first_module() -> ModulePage:
    """The first seeded source-language module."""
    return ModulePage.objects.filter(locale__language_code="en").order_by("path").first()


class EnrolmentFactory(DjangoModelFactory):
    """An enrolment, not started unless ``started_at``/``completed_at`` say otherwise."""

    user = factory.SubFactory(UserFactory)
    module = factory.LazyFunction(first_module)
    source = Enrolment.Source.SELF

    class Meta:
        model = Enrolment


class QuizAttemptFactory(DjangoModelFactory):
    """A graded final-quiz attempt of the enrolment's module."""

    enrolment = factory.SubFactory(EnrolmentFactory)
    quiz = factory.LazyAttribute(lambda o: QuizPage.objects.child_of(o.enrolment.module).first())
    kind = QuizAttempt.Kind.FINAL
    number = factory.LazyAttribute(lambda o: o.enrolment.attempts.filter(kind=o.kind).count() + 1)
    status = QuizAttempt.Status.SUBMITTED
    language = "en"
    started_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyAttribute(lambda o: o.started_at)
    pass_mark = 80
    score = 90
    passed = factory.LazyAttribute(lambda o: o.score >= o.pass_mark)

    class Meta:
        model = QuizAttempt


class AttemptQuestionFactory(DjangoModelFactory):
    """A graded question of an attempt: full marks unless ``fraction`` says otherwise."""

    attempt = factory.SubFactory(QuizAttemptFactory)
    position = factory.LazyAttribute(lambda o: o.attempt.items.count() + 1)
    response = factory.Dict({})
    fraction = 1
    points = factory.LazyAttribute(lambda o: o.fraction * o.question.points)

    class Meta:
        model = AttemptQuestion


class TimeAccommodationFactory(DjangoModelFactory):
    employer = factory.SubFactory(EmployerFactory)
    learner = factory.SubFactory(UserFactory)
    time_factor = Decimal("1.5")

    class Meta:
        model = TimeAccommodation
