"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (VC Data Integrity EdDSA
Cryptosuites v1.0, §3.2), made with the certificate-signing key.

The document and the proof options are canonicalized with RDF Dataset Canonicalization
(RDFC-1.0, through pyld); the signature is Ed25519 over SHA-256(proof options) ‖
SHA-256(document), encoded base58btc with the multibase prefix ``z``. The verification method
is the key as a ``did:key`` (Multikey), which verifiers resolve without a network.

JSON-LD contexts are read from local copies (``certificates/contexts/``): nothing is fetched
at run time, and an unknown context fails.
"""

import copy
import functools
import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from certificates import signing

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_MULTICODEC = b"\xed\x01"


class ProofInvalid(Exception):
    """The proof does not verify."""


class ContextRefused(ValueError):
    """A JSON-LD context that has no local copy."""


@functools.cache
def _context(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / CONTEXTS[url]).read_text())


def document_loader(url, options=None):
    """pyld document loader serving only the local copies."""
    if url not in CONTEXTS:
        raise ContextRefused(f"no local copy of the JSON-LD context {url}")
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonize(document: dict) -> bytes:
    """The RDFC-1.0 canonical N-Quads of ``document``. Raises ContextRefused when it names a
    context with no local copy (or cannot be read as JSON-LD)."""
    from pyld import jsonld

    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    try:
        return jsonld.normalize(document, options).encode()
    except jsonld.JsonLdError as error:
        raise ContextRefused(str(error)) from error


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58[remainder] + encoded
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for character in text:
        number = number * 58 + BASE58.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey(public: ed25519.Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(ED25519_MULTICODEC + raw)


def verification_method(public: ed25519.Ed25519PublicKey) -> str:
    key = multikey(public)
    return f"did:key:{key}#{key}"


def _hash_data(document: dict, options: dict) -> bytes:
    return hashlib.sha256(canonize(options)).digest() + hashlib.sha256(canonize(document)).digest()


def proof_add(document: dict, *, created: str) -> dict:
    """``document`` with a DataIntegrityProof (eddsa-rdfc-2022, assertionMethod) made with the
    current signing key, dated ``created``. Raises ImproperlyConfigured without a key."""
    key = signing.signing_key().get_op_key("sign")
    options = {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method(key.public_key()),
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    proof = {k: v for k, v in options.items() if k != "@context"}
    return {**document, "proof": {**proof, "proofValue": "z" + base58btc(signature)}}


def proof_verify(secured: dict, *, key_set=None) -> dict:
    """The document without its proof, once the proof verifies with a key of ``key_set``
    (the published keys by default). Raises ProofInvalid."""
    document = copy.deepcopy(secured)
    proof = document.pop("proof", None)
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid("no eddsa-rdfc-2022 proof")
    value = proof.pop("proofValue", "")
    options = {**proof, "@context": document.get("@context")}
    keys = key_set or signing.public_key_set()
    candidates = [
        key.get_op_key("verify")
        for key in keys.keys
        if verification_method(key.get_op_key("verify")) == proof.get("verificationMethod")
    ]
    if not candidates or not value.startswith("z"):
        raise ProofInvalid("unknown verification method")
    try:
        candidates[0].verify(base58btc_decode(value[1:]), _hash_data(document, options))
    except (InvalidSignature, ValueError) as error:  # ContextRefused is a ValueError
        raise ProofInvalid("signature does not verify") from error
    return document
