"""The Open Badges credential with an embedded eddsa-rdfc-2022 Data Integrity proof."""

import pytest

from certificates import dataintegrity, openbadges
from tests.factories.certificates import CertificateFactory

pytestmark = pytest.mark.django_db


def test_the_secured_credential_carries_a_proof_that_verifies():
    certificate = CertificateFactory()

    secured = openbadges.credential_secured(certificate)

    assert secured["proof"]["type"] == "DataIntegrityProof"
    assert secured["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert secured["proof"]["verificationMethod"].startswith("did:key:z6Mk")
    assert dataintegrity.proof_verify(secured) == openbadges.credential(certificate)


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Alan Martin"),
        lambda c: c.update(validUntil="2099-01-01T00:00:00Z"),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
    ],
)
def test_any_edit_breaks_the_proof(edit):
    secured = openbadges.credential_secured(CertificateFactory())
    edit(secured)

    with pytest.raises(dataintegrity.ProofInvalid):
        dataintegrity.proof_verify(secured)


def test_a_context_without_a_local_copy_is_refused():
    with pytest.raises(dataintegrity.ContextRefused):
        dataintegrity.canonize({"@context": "https://example.org/ctx.json", "name": "x"})
