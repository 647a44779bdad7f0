"""Every certificate as an Open Badges 3.0 credential (an ``OpenBadgeCredential``, W3C
Verifiable Credentials Data Model 2.0), secured as a VC-JWT with the certificate signing key.

The credential is built from what the certificate froze at issuance (its snapshot, code and
status list position), so it can be rebuilt at any time and says the same thing. Following
Open Badges 3.0 (§8.2, VC-JWT), the JWT payload *is* the credential, with the registered
claims beside it: ``iss`` (issuer id), ``sub`` (subject id), ``jti`` (credential id), ``nbf``
(validFrom) and ``exp`` (validUntil). The JOSE header carries ``alg`` EdDSA and the ``kid``
published at ``/.well-known/jwks.json``.

Open Badges 3.0 types ``name`` and ``description`` as plain strings (no language maps), so the
achievement's name and description carry both languages, English then French.

Revocation: ``credentialStatus`` is a ``BitstringStatusListEntry`` pointing at bit
``status_index`` of the list served at ``SITE_URL/certificates/status-list.json`` (JSON-LD with a
Data Integrity proof, or the VC-JWT to a client that asks for ``application/vc+jwt``).
"""

import uuid

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certificates import dataintegrity, signing, statuslist, verification
from certificates.presentation import parse_time

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines 1EdTechJsonSchemaValidator2019, the type of ``credentialSchema`` below.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

TEXTS = {
    "module_description": _(
        "Completed the module “%(title)s” (version %(version)s) of the Welcoming Workplaces "
        "training and passed its final quiz."
    ),
    "program_description": _(
        "Completed every module of the program “%(title)s” (version %(version)s) of the "
        "Welcoming Workplaces training."
    ),
    "module_criteria": _(
        "Complete every lesson of the module and pass its final quiz. The certificate is "
        "valid for a limited time: check its current status at the verification address."
    ),
    "program_criteria": _(
        "Complete every module of the program, each with its final quiz passed. The "
        "certificate is valid for a limited time: check its current status at the "
        "verification address."
    ),
}


def _both(text, **values) -> str:
    """``text`` in English, then in French, as one string."""
    parts = []
    for language in ("en", "fr"):
        with translation.override(language):
            parts.append(str(text) % values if values else str(text))
    return parts[0] if parts[0] == parts[1] else f"{parts[0]} / {parts[1]}"


def _title(snapshot: dict) -> str:
    english, french = snapshot["title_en"], snapshot["title_fr"]
    return english if english == french else f"{english} / {french}"


def verify_url(certificate) -> str:
    """Where anyone checks the certificate's current status, in its language."""
    return verification.verify_url(certificate.code, certificate.language)


def subject_id(certificate) -> str:
    """A stable, opaque identifier for the holder within this credential: derived from the
    certificate, so it reveals no email address and links no other record."""
    issuer = certificate.snapshot["issuer"]
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{issuer}/certificates/{certificate.code}')}"


def achievement_id(certificate) -> str:
    """The module or program, in every language and version: its Wagtail translation key."""
    page = (
        certificate.module if certificate.kind == certificate.Kind.MODULE else certificate.program
    )
    return f"urn:uuid:{page.translation_key}"


def credential(certificate) -> dict:
    """The OpenBadgeCredential for ``certificate`` (unsigned JSON)."""
    snapshot = certificate.snapshot
    kind = snapshot["type"]
    title = _title(snapshot)
    issuer = {
        "id": snapshot["issuer"],
        "type": ["Profile"],
        "name": _both(settings.WAGTAIL_SITE_NAME),
        "url": snapshot["issuer"],
    }
    achievement = {
        "id": achievement_id(certificate),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": title,
        "description": _both(
            TEXTS[f"{kind}_description"], title=title, version=snapshot["version"]
        ),
        "criteria": {"narrative": _both(TEXTS[f"{kind}_criteria"])},
        "version": str(snapshot["version"]),
        "creator": issuer,
    }
    subject = {
        "id": subject_id(certificate),
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "activityEndDate": snapshot["completed_at"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": snapshot["holder_name"],
                "identityType": "name",
                "hashed": False,
            }
        ],
    }
    list_url = statuslist.status_list_url()
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": verify_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": issuer,
        "validFrom": snapshot["issued_at"],
        "validUntil": snapshot["expires_at"],
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{list_url}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": list_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def credential_claims(certificate) -> dict:
    """The VC-JWT payload: the credential and its registered claims."""
    document = credential(certificate)
    return {
        **document,
        "iss": document["issuer"]["id"],
        "sub": document["credentialSubject"]["id"],
        "jti": document["id"],
        "nbf": int(parse_time(document["validFrom"]).timestamp()),
        "exp": int(parse_time(document["validUntil"]).timestamp()),
    }


def credential_jwt(certificate) -> str:
    """The credential as a compact VC-JWT (EdDSA, with ``kid``). Raises ImproperlyConfigured
    when no signing key is set."""
    return signing.sign(credential_claims(certificate), typ="vc+jwt")


def credential_secured(certificate) -> dict:
    """The credential with an embedded ``eddsa-rdfc-2022`` Data Integrity proof (for wallets
    and Data Integrity verifiers), dated like the certificate. Raises ImproperlyConfigured when
    no signing key is set."""
    return dataintegrity.proof_add(
        credential(certificate), created=certificate.snapshot["issued_at"]
    )
