"""The certificate PDF signed as a whole (PAdES), and ``verify_certificate`` refusing every
change to it: real PDFs rendered by the issuance side, edited as a forger would."""

import io
import re
import shutil
import subprocess
import zlib

import pytest
from django.conf import settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from certificates import pdf, pdf_signature, signing
from certificates.management.commands.verify_certificate import (
    EXIT_INVALID,
    EXIT_VALID,
)
from tests.certificates.completions import issued, learner_of
from tests.certificates.test_offline import verify
from tests.conftest import need
from tests.factories.learning import EmployerFactory


@pytest.fixture
def certificate(db):
    employer = EmployerFactory(legal_name="Boulangerie Acadienne inc.", province="NB")
    return issued(learner_of(employer, first_name="Alex", last_name="Martin"))


def stored(certificate) -> bytes:
    with certificate.pdf.open("rb") as file:
        return file.read()


def write(tmp_path, data: bytes, name="certificate.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def signature_gap(data: bytes) -> tuple[int, int]:
    """Where the signature value sits: the bytes the /ByteRange leaves out."""
    start, first, second, _length = map(
        int, re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", data).groups()
    )
    assert start == 0
    return first, second


def test_the_genuine_pdf_passes(certificate, tmp_path):
    status, output = verify(write(tmp_path, stored(certificate)))

    assert status == EXIT_VALID, output
    assert "PDF signature: intact, covers the whole file" in output
    assert "Alex Martin" in output


def test_the_pdf_signature_is_pades_over_the_whole_file(certificate):
    data = stored(certificate)
    first, second = signature_gap(data)
    length = int(re.search(rb"/ByteRange \[\s*\d+ \d+ \d+ (\d+)", data).group(1))

    assert b"/SubFilter /ETSI.CAdES.detached" in data
    assert second + length == len(data)
    assert first < second


def test_poppler_reports_the_signature_valid_and_covering_the_whole_document(certificate, tmp_path):
    need("poppler's pdfsig", shutil.which("pdfsig") is not None)
    path = write(tmp_path, stored(certificate))

    output = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    ).stdout

    assert "Signature Validation: Signature is Valid." in output
    assert "Total document signed" in output
    assert "Signature Type: ETSI.CAdES.detached" in output


def test_flipping_one_byte_anywhere_is_refused(certificate, tmp_path):
    data = stored(certificate)
    first, second = signature_gap(data)
    # Spread over the whole file, plus the signature value itself (its DER and its padding)
    # and the last bytes.
    positions = sorted(
        {*range(0, len(data), len(data) // 48), first + 1, first + 200, second - 10}
        | {len(data) - 2, len(data) - 1}
    )
    for position in positions:
        changed = bytearray(data)
        changed[position] ^= 0x01
        status, output = verify(write(tmp_path, bytes(changed)))
        assert status != EXIT_VALID, (position, output)
        assert "Alex Martin" not in output, position


def edit_page(data: bytes) -> bytes:
    """The first page's text with one glyph of every text run changed, rewritten by pypdf
    (as an editor saving the file would)."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    contents = page.get_contents()
    text = contents.get_data()
    edited = re.sub(rb"<([0-9a-f]{4})", lambda m: b"<%04x" % (int(m.group(1), 16) ^ 1), text)
    assert edited != text
    stream = StreamObject()
    stream.set_data(edited)
    page[NameObject("/Contents")] = writer._add_object(stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_editing_the_visible_page_is_refused(certificate, tmp_path):
    original = stored(certificate)
    edited = edit_page(original)
    assert PdfReader(io.BytesIO(edited)).pages[0].extract_text() != (
        PdfReader(io.BytesIO(original)).pages[0].extract_text()
    )

    status, output = verify(write(tmp_path, edited))

    assert status == EXIT_INVALID, output
    assert "ALTERED" in output


def test_an_incremental_update_is_refused(certificate, tmp_path):
    writer = IncrementalPdfFileWriter(io.BytesIO(stored(certificate)))
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("Alan Martin")
    writer.update_container(info)
    output = io.BytesIO()
    writer.write(output)

    status, report = verify(write(tmp_path, output.getvalue()))

    assert status == EXIT_INVALID, report
    assert "does not cover the whole file" in report


def test_bytes_appended_after_the_signed_range_are_refused(certificate, tmp_path):
    status, report = verify(write(tmp_path, stored(certificate) + b"\n% appended\n"))

    assert status == EXIT_INVALID, report


def replace_attachment(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` with the attachment ``name`` replaced by ``content`` (a new embedded file
    stream, rewritten by pypdf)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for index in range(0, len(names), 2):
        if names[index] == name:
            specification = names[index + 1].get_object()
            stream = specification["/EF"]["/F"].get_object()
            stream.set_data(content)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def strip_signature(data: bytes) -> bytes:
    """``data`` without its signature revision: the PDF as it was before signing."""
    end = data.rindex(b"%%EOF", 0, signature_gap(data)[0])
    return data[: end + len(b"%%EOF\n")]


def test_another_certificates_attachment_swapped_in_is_refused(certificate, tmp_path):
    other = issued(learner_of(first_name="Alan", last_name="Martin"))
    swapped = replace_attachment(stored(certificate), pdf.JWS_ATTACHMENT, other.jws.encode())

    status, report = verify(write(tmp_path, swapped))

    assert status == EXIT_INVALID, report
    assert "Alan Martin" not in report


def test_removing_the_pdf_signature_is_refused(certificate, tmp_path):
    unsigned = strip_signature(stored(certificate))
    assert b"/ByteRange" not in unsigned

    status, report = verify(write(tmp_path, unsigned))

    assert status == EXIT_INVALID, report
    assert "signature was removed" in report


def test_a_pdf_issued_before_pdf_signatures_still_verifies_and_says_so(certificate, tmp_path):
    """An older certificate: its JWS carries no mark, its PDF no document signature."""
    certificate.jws = signing.sign(certificate.snapshot)
    path = write(tmp_path, pdf.certificate_pdf_unsigned(certificate))

    status, report = verify(path)

    assert status == EXIT_VALID, report
    assert "issued before certificates were signed as a whole" in report


def test_a_pdf_signed_by_a_stranger_is_refused(certificate, tmp_path, settings):
    from joserfc.jwk import OKPKey

    genuine_unsigned = strip_signature(stored(certificate))
    stranger = OKPKey.generate_key("Ed25519", parameters={"kid": "test-2026"})
    settings.CERTIFICATE_SIGNING_KEY = stranger.as_pem(private=True).decode()
    _clear_keys()
    try:
        forged = pdf_signature.pdf_sign(genuine_unsigned, signed_at=certificate.issued_at)
    finally:
        settings.CERTIFICATE_SIGNING_KEY = _test_key()
        _clear_keys()

    status, report = verify(write(tmp_path, forged))

    assert status == EXIT_INVALID, report
    assert "none of the published keys issued" in report


def test_a_pdf_signed_with_a_retired_key_still_verifies(certificate, tmp_path, settings):
    settings.CERTIFICATE_SIGNING_KEY = settings.TEST_RETIRED_SIGNING_KEY
    settings.CERTIFICATE_SIGNING_KEY_ID = "test-retired"
    _clear_keys()
    try:
        certificate.jws = signing.sign(certificate.snapshot)
        data = pdf.certificate_pdf(certificate)
    finally:
        settings.CERTIFICATE_SIGNING_KEY = _test_key()
        settings.CERTIFICATE_SIGNING_KEY_ID = "test-2026"
        _clear_keys()

    status, report = verify(write(tmp_path, data))

    assert status == EXIT_VALID, report
    assert "“test-retired”" in report


def test_the_report_speaks_french_when_asked(certificate, tmp_path):
    unsigned = strip_signature(stored(certificate))

    status, report = verify(write(tmp_path, unsigned), "--language", "fr")

    assert status == EXIT_INVALID
    assert "signature numérique du PDF a été retirée" in report


def test_the_signed_pdf_renders_to_the_same_bytes_again(certificate):
    assert pdf.certificate_pdf(certificate) == stored(certificate)


def test_the_signature_covers_the_unsigned_rendering(certificate):
    """What is signed is the document of record: the unsigned rendering, then the signature's
    own revision."""
    data = stored(certificate)
    unsigned = pdf.certificate_pdf_unsigned(certificate)

    assert data.startswith(unsigned)
    assert zlib.crc32(strip_signature(data)) == zlib.crc32(unsigned)


def _test_key() -> str:
    from cms.settings import test

    return test.CERTIFICATE_SIGNING_KEY


def _clear_keys() -> None:
    signing.signing_key.cache_clear()
    pdf_signature.material.cache_clear()


assert settings  # the settings fixture shadows the module in the tests above
