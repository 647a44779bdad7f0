"""Factories for certificates: a snapshot shaped as ``certificates.presentation`` describes,
signed with the test key (or another key passed as ``signing_key``)."""

import datetime

import factory
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory
from joserfc import jws
from joserfc.jwk import OKPKey

from certificates import services, signing
from certificates.codes import code_generate
from certificates.models import AuditEvent, Certificate
from certificates.presentation import format_time
from courses.models import ModulePage
from tests.factories.learning import EmployerFactory, UserFactory


def seeded_module() -> ModulePage:
    """The seeded English "Intercultural competency at work" module."""
    return ModulePage.objects.get(
        slug="intercultural-competency-at-work", locale__language_code="en"
    )


def retired_key() -> OKPKey:
    return OKPKey.import_key(settings.TEST_RETIRED_SIGNING_KEY, parameters={"kid": "test-retired"})


def sign_with(key: OKPKey, payload: dict) -> str:
    """A compact JWS over ``payload`` with ``key`` (and its kid), as ``signing.sign`` makes."""
    return jws.serialize_compact(
        {"alg": "EdDSA", "kid": key.kid, "typ": "JWT"},
        signing.canonical_json(payload),
        key,
        algorithms=["EdDSA"],
    )


def snapshot_for(certificate: Certificate) -> dict:
    """The snapshot of a new certificate (no score: ``snapshot_changes={"score": ...}`` makes
    one as certificates were issued before the score was kept private)."""
    employer = certificate.employer
    return {
        "type": certificate.kind,
        "code": certificate.code,
        "holder_name": certificate.holder.get_full_name() if certificate.holder else "Ana Pereira",
        "employer_legal_name": employer.legal_name if employer else "",
        "employer_province": employer.province if employer else "",
        "title_en": "Intercultural competency at work",
        "title_fr": "Les compétences interculturelles au travail",
        "version": certificate.module.version if certificate.module else 1,
        "completed_at": format_time(certificate.issued_at - datetime.timedelta(seconds=4)),
        "issued_at": format_time(certificate.issued_at),
        "expires_at": format_time(certificate.expires_at),
        "language": certificate.language,
        "issuer": settings.SITE_URL,
    }


class CertificateFactory(DjangoModelFactory):
    """A signed module certificate. ``signing_key`` signs with another key than the current
    one (a retired key, an attacker's); ``snapshot_changes`` edits the snapshot before it is
    signed."""

    kind = Certificate.Kind.MODULE
    code = factory.LazyFunction(code_generate)
    completion_key = factory.Sequence(lambda n: f"test:{n}")
    holder = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(EmployerFactory)
    module = factory.LazyFunction(seeded_module)
    language = "en"
    issued_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    expires_at = factory.LazyAttribute(lambda o: o.issued_at + datetime.timedelta(days=730))
    # Handed out like the application does (a sequence on PostgreSQL), so they never collide.
    status_index = factory.LazyFunction(lambda: services.status_index_next())
    pdf_sha256 = "9f" * 32
    score = "92.50"
    snapshot = factory.LazyAttribute(lambda o: {})
    jws = ""
    kid = ""

    class Meta:
        model = Certificate

    @classmethod
    def _create(cls, model_class, *args, signing_key=None, snapshot_changes=None, **kwargs):
        certificate = model_class(*args, **kwargs)
        certificate.snapshot = {**snapshot_for(certificate), **(snapshot_changes or {})}
        if signing_key is None:
            certificate.jws = signing.sign(certificate.snapshot)
            certificate.kid = settings.CERTIFICATE_SIGNING_KEY_ID
        else:
            certificate.jws = sign_with(signing_key, certificate.snapshot)
            certificate.kid = signing_key.kid
        certificate.save()
        return certificate


class AuditEventFactory(DjangoModelFactory):
    action = AuditEvent.Action.VERIFIED
    code_hash = "0" * 64
    channel = "page"
    outcome = "valid"

    class Meta:
        model = AuditEvent
