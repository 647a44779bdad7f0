"""Signatures: Ed25519 compact JWS over canonical JSON, verified by kid."""

import base64
import json

import pytest
from django.conf import settings
from joserfc import jws
from joserfc.jwk import OKPKey

from certificates import signing


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_signed_payload_verifies_and_round_trips():
    payload = {"holder": "Joséphine Cormier", "score": "92.50", "a": [1, 2]}

    token = signing.sign(payload)

    assert signing.verify(token) == payload
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==")) == {
        "alg": "EdDSA",
        "kid": settings.CERTIFICATE_SIGNING_KEY_ID,
        "typ": "JWT",
    }


def test_the_signed_bytes_are_rfc8785_canonical_json():
    token = signing.sign({"b": 1, "a": "é"})

    payload = base64.urlsafe_b64decode(token.split(".")[1] + "==")

    assert payload == '{"a":"é","b":1}'.encode()


def test_changing_any_byte_of_the_payload_fails():
    token = signing.sign({"holder": "Ana", "module": "Intercultural competency"})
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=="))

    for index in range(len(raw)):
        changed = raw.copy()
        changed[index] ^= 0x01
        with pytest.raises(signing.SignatureInvalid):
            signing.verify(".".join([header, b64(bytes(changed)), signature]))


def test_an_attackers_key_with_our_kid_is_rejected():
    attacker = OKPKey.generate_key(
        "Ed25519", parameters={"kid": settings.CERTIFICATE_SIGNING_KEY_ID}
    )
    forged = jws.serialize_compact(
        {"alg": "EdDSA", "kid": settings.CERTIFICATE_SIGNING_KEY_ID},
        signing.canonical_json({"holder": "Mallory"}),
        attacker,
        algorithms=["EdDSA"],
    )

    with pytest.raises(signing.SignatureInvalid):
        signing.verify(forged)


def test_a_retired_key_still_verifies_what_it_signed():
    retired = OKPKey.import_key(
        settings.TEST_RETIRED_SIGNING_KEY, parameters={"kid": "test-retired"}
    )
    old = jws.serialize_compact(
        {"alg": "EdDSA", "kid": "test-retired"},
        signing.canonical_json({"holder": "Ana"}),
        retired,
        algorithms=["EdDSA"],
    )

    assert signing.verify(old) == {"holder": "Ana"}


@pytest.mark.parametrize(
    "header",
    [{"alg": "HS256", "kid": "test-2026"}, {"alg": "none", "kid": "test-2026"}, {"alg": "EdDSA"}],
    ids=["hmac", "none", "no-kid"],
)
def test_other_algorithms_and_missing_kid_are_rejected(header):
    token = signing.sign({"a": 1})
    _header, payload, signature = token.split(".")

    with pytest.raises(signing.SignatureInvalid):
        signing.verify(".".join([b64(json.dumps(header).encode()), payload, signature]))


def test_published_key_set_holds_current_and_retired_public_keys():
    published = signing.jwks()

    assert {key["kid"] for key in published["keys"]} == {"test-2026", "test-retired"}
    assert all("d" not in key for key in published["keys"])
    assert all(key["alg"] == "EdDSA" and key["crv"] == "Ed25519" for key in published["keys"])
