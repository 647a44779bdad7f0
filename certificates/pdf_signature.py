"""The certificate PDF signed as a whole: a PAdES baseline signature (``ETSI.CAdES.detached``)
over every byte of the file, made with pyHanko.

Keys. The signature is made with an ECDSA P-256 key *bound to* the certificate-signing key
(Ed25519, ``certificates.signing``): it is derived from it (HKDF-SHA256), and its X.509
certificate is issued by an issuer certificate that holds the Ed25519 key itself. ECDSA
because PDF readers in the field (poppler with NSS, Acrobat) do not yet check EdDSA in CMS;
the binding keeps a single secret and a single published key set: a verifier trusts the PDF
signature when its certificate was signed by a key of ``/.well-known/jwks.json`` (current or
retired), whose issuer certificate is also published there (``x5c``) and at
``/.well-known/certificate-issuer.pem``. Rotating the Ed25519 key rotates both; PDFs signed
with a retired key keep verifying as long as its public key stays in the key set.

Determinism. Both certificates are derived from the key alone; the signing time is the
certificate's issue time, the second half of the file identifier is a hash of the unsigned
document and ECDSA is deterministic (RFC 6979): the same certificate always renders to the
same bytes.
"""

import asyncio
import concurrent.futures
import dataclasses
import datetime
import functools
import hashlib
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from django.conf import settings
from joserfc.jwk import KeySet

SIGNATURE_FIELD = "CertificateSignature"
DIGEST = "sha256"
NOT_BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
NOT_AFTER = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
DERIVATION_INFO = b"welcoming-workplaces certificate PDF signing key (P-256)"
# Marks a certificate JWS whose PDF is signed as a whole (protected header parameter), so
# that removing the PDF signature from such a PDF is seen as tampering, not as a PDF issued
# before PDF signatures.
JWS_HEADER = "pdfsig"
JWS_HEADER_VALUE = "pades"


def _private_bytes(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _raw_public(key) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _serial(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest()[:16], "big") >> 1 or 1


def _name(common_name: str) -> x509.Name:
    site = str(settings.WAGTAIL_SITE_NAME)
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, site),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{site} {common_name}"),
        ]
    )


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not sign_certificates,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


@dataclasses.dataclass(frozen=True)
class PdfSigningMaterial:
    issuer: x509.Certificate  # self-signed, Ed25519: the certificate-signing key
    signer: x509.Certificate  # P-256, issued by ``issuer``
    signer_key: ec.EllipticCurvePrivateKey


def issuer_certificate_for(key: ed25519.Ed25519PrivateKey) -> x509.Certificate:
    """The self-signed X.509 certificate of an Ed25519 certificate-signing key."""
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(_name("certificate issuer"))
        .issuer_name(_name("certificate issuer"))
        .public_key(public)
        .serial_number(_serial(_raw_public(public)))
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, None)
    )


@functools.cache
def material() -> PdfSigningMaterial:
    """The issuer certificate, the PDF-signing certificate and key, derived from the current
    certificate-signing key. Raises ImproperlyConfigured when no key is configured."""
    from certificates import signing

    ed_key = signing.signing_key().get_op_key("sign")
    issuer = issuer_certificate_for(ed_key)
    derived = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=DERIVATION_INFO).derive(
        _private_bytes(ed_key)
    )
    order = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
    signer_key = ec.derive_private_key(
        int.from_bytes(derived, "big") % (order - 1) + 1, ec.SECP256R1()
    )
    public = signer_key.public_key()
    spki = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name("certificate PDF signing"))
        .issuer_name(issuer.subject)
        .public_key(public)
        .serial_number(_serial(spki))
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ed_key.public_key()),
            critical=False,
        )
        .sign(ed_key, None)
    )
    return PdfSigningMaterial(issuer=issuer, signer=signer, signer_key=signer_key)


def issuer_certificate_pem() -> bytes:
    return material().issuer.public_bytes(serialization.Encoding.PEM)


def issuer_certificate_der() -> bytes:
    return material().issuer.public_bytes(serialization.Encoding.DER)


# -- Signing --------------------------------------------------------------------------------


def _signer(found: PdfSigningMaterial):
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class DeterministicSigner(signers.SimpleSigner):
        """ECDSA with RFC 6979 nonces: the same document signs to the same bytes."""

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            return found.signer_key.sign(
                data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
            )

    def load(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    signer_certificate, issuer_certificate = load(found.signer), load(found.issuer)
    return DeterministicSigner(
        signing_cert=signer_certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(
            found.signer_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([issuer_certificate]),
    )


def pdf_sign(data: bytes, *, signed_at: datetime.datetime) -> bytes:
    """``data`` (a PDF) with a PAdES baseline signature over the whole file, dated
    ``signed_at``. Deterministic: the same input gives the same bytes."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    class FixedTimePdfSigner(signers.PdfSigner):
        def init_signing_session(self, *args, **kwargs):
            session = super().init_signing_session(*args, **kwargs)
            session.system_time = signed_at
            return session

    class KeepMetadataWriter(IncrementalPdfFileWriter):
        """Leaves the document information and XMP metadata as rendered (pyHanko would stamp
        them with the current time)."""

        def _update_meta(self):
            pass

    writer = KeepMetadataWriter(io.BytesIO(data))
    # pyHanko draws the new revision's identifier at random; derive it from the document.
    first, _second = writer._document_id
    writer._document_id = generic.ArrayObject(
        [first, generic.ByteStringObject(hashlib.sha256(data).digest()[:16])]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm=DIGEST,
        name=str(settings.WAGTAIL_SITE_NAME),
    )
    output = _outside_event_loop(
        lambda: FixedTimePdfSigner(meta, signer=_signer(material())).sign_pdf(writer)
    )
    return output.getvalue()


# -- Checking -------------------------------------------------------------------------------


class PdfSignatureProblem(Exception):
    """What is wrong with a PDF's signature, in a short code (``code``) and plain words."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclasses.dataclass(frozen=True)
class PdfSignatureCheck:
    signed: bool  # False: the PDF carries no document signature at all
    kid: str = ""  # the certificate-signing key the PDF-signing certificate is bound to
    signed_at: datetime.datetime | None = None
    signer: str = ""


def _ed25519_keys(key_set: KeySet) -> list[tuple[str, ed25519.Ed25519PublicKey]]:
    keys = []
    for key in key_set.keys:
        public = key.get_op_key("verify")
        if isinstance(public, ed25519.Ed25519PublicKey):
            keys.append((key.kid or "", public))
    return keys


def _issued_by(certificate: x509.Certificate, public: ed25519.Ed25519PublicKey) -> bool:
    """Whether ``public`` signed ``certificate`` (whose outer algorithm, outside what is
    signed, must say Ed25519 too)."""
    if certificate.signature_algorithm_oid != x509.oid.SignatureAlgorithmOID.ED25519:
        return False
    try:
        public.verify(certificate.signature, certificate.tbs_certificate_bytes)
    except InvalidSignature:
        return False
    return True


def _bound_kid(signer: x509.Certificate, others: list[x509.Certificate], key_set: KeySet) -> str:
    """The kid of the published Ed25519 key that issued ``signer``, or "" (also when any
    other certificate carried in the signature is not that key's own, intact, certificate)."""
    for kid, public in _ed25519_keys(key_set):
        if not _issued_by(signer, public):
            continue
        raw = _raw_public(public)
        for other in others:
            own = isinstance(other.public_key(), ed25519.Ed25519PublicKey)
            if not (own and _raw_public(other.public_key()) == raw and _issued_by(other, public)):
                return ""
        return kid
    return ""


def _outside_event_loop(call):
    """Run ``call`` (pyHanko's synchronous API, which starts an event loop of its own) in a
    thread of its own when this thread already runs an event loop (an ASGI server, a browser
    driver), else here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def pdf_signature_check(data: bytes, *, key_set: KeySet) -> PdfSignatureCheck:
    """Check the document signature of a PDF: exactly one, cryptographically intact, covering
    every byte of the file (nothing appended, no later revision), its CMS in canonical DER
    with nothing after it, made by a certificate bound to a key of ``key_set``.

    Returns ``signed=False`` when the PDF has no signature. Raises PdfSignatureProblem
    (``damaged``, ``several``, ``broken``, ``not_whole``, ``padding``, ``unknown_signer``).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - whatever a damaged file makes the parser raise
        raise PdfSignatureProblem("damaged") from error
    if not signatures:
        return PdfSignatureCheck(signed=False)
    if len(signatures) > 1:
        raise PdfSignatureProblem("several")
    signature = signatures[0]
    try:
        contents = signature.sig_object.raw_get("/Contents").original_bytes
        der_length = _cms_length(contents)
        # A strict DER parser (asn1crypto, which pyHanko uses, is lenient about tags).
        pkcs7.load_der_pkcs7_certificates(contents[:der_length])
        # Not covered by the signature: the digest algorithms announced beside it must be
        # exactly the one the signer used.
        signer_info = signature.signed_data["signer_infos"][0]
        announced = [entry.dump() for entry in signature.signed_data["digest_algorithms"]]
        if announced != [signer_info["digest_algorithm"].dump()]:
            raise ValueError("unexpected digest algorithms")
        # Nor are the version numbers: v1, as written for a signer named by issuer and serial.
        if (signature.signed_data["version"].native, signer_info["version"].native) != (
            "v1",
            "v1",
        ):
            raise ValueError("unexpected version")
        carried = [
            x509.load_der_x509_certificate(choice.chosen.dump())
            for choice in signature.signed_data["certificates"]
        ]
        signer = x509.load_der_x509_certificate(signature.signer_cert.dump())
    except Exception as error:  # noqa: BLE001 - whatever a forged file makes the parser raise
        raise PdfSignatureProblem("broken") from error
    if any(contents[der_length:]):
        raise PdfSignatureProblem("padding")
    others = [certificate for certificate in carried if certificate != signer]
    try:
        kid = _bound_kid(signer, others, key_set)
    except Exception as error:  # noqa: BLE001 - a certificate whose key cannot be read
        raise PdfSignatureProblem("unknown_signer") from error
    if not kid or len(carried) != len(others) + 1:
        raise PdfSignatureProblem("unknown_signer")
    try:
        roots = [
            asn1_x509.Certificate.load(other.public_bytes(serialization.Encoding.DER))
            for other in others
        ]
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                signature,
                signer_validation_context=context,
                skip_diff=True,
            )
        )
    except Exception as error:  # noqa: BLE001 - whatever a forged file makes the parser raise
        raise PdfSignatureProblem("broken") from error
    if not (status.intact and status.valid):
        raise PdfSignatureProblem("broken")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise PdfSignatureProblem("not_whole")
    return PdfSignatureCheck(
        signed=True,
        kid=kid,
        signed_at=signature.self_reported_timestamp,
        signer=signer.subject.rfc4514_string(),
    )


def _cms_length(contents: bytes) -> int:
    """The length of the DER-encoded CMS at the start of ``contents`` (the rest is padding)."""
    if len(contents) < 2 or contents[0] != 0x30:
        raise ValueError("not a DER sequence")
    first = contents[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(contents) < 2 + count:
        raise ValueError("bad DER length")
    return 2 + count + int.from_bytes(contents[2 : 2 + count], "big")
