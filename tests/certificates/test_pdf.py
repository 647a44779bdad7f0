"""The certificate PDF, rendered for real by WeasyPrint and read back with pypdf (and, for the
QR code, rasterized by poppler's pdftoppm and decoded by zbarimg)."""

import hashlib
import io
import re
import shutil
import socket
import subprocess

import pytest
from django.utils import translation
from pypdf import PdfReader

from certificates import openbadges, pdf, signing
from certificates.presentation import printed_fields
from tests.certificates.completions import issued, learner_of
from tests.conftest import need
from tests.factories.learning import EmployerFactory


@pytest.fixture
def certificate(db):
    employer = EmployerFactory(legal_name="Boulangerie Acadienne inc.", province="NB")
    holder = learner_of(
        employer, first_name="Joséphine", last_name="Cormier", preferred_language="fr"
    )
    return issued(holder)


def read(certificate) -> PdfReader:
    with certificate.pdf.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def text_of(reader: PdfReader) -> str:
    """The page's text with runs of white space (line breaks included) as one space."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def in_both(text) -> list[str]:
    values = []
    for language in ("en", "fr"):
        with translation.override(language):
            values.append(str(text))
    return values


def test_the_stored_pdf_is_the_one_its_sha256_names(certificate):
    with certificate.pdf.open("rb") as stored:
        data = stored.read()

    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert data.startswith(b"%PDF-1.7")


def test_the_pdf_prints_every_field_in_english_and_in_french(certificate):
    text = text_of(read(certificate))

    fields = printed_fields(certificate.snapshot)
    assert [field.key for field in fields] == [
        "holder_name",
        "employer",
        "title",
        "version",
        "completed_at",
        "expires_at",
        "code",
    ]
    for field in fields:
        for label, value in ((field.label_en, field.value_en), (field.label_fr, field.value_fr)):
            assert label in text
            assert " ".join(value.split()) in text
    assert "Intercultural competency at work" in text
    assert "La compétence interculturelle au travail" in text
    assert "Joséphine Cormier" in text
    assert "Boulangerie Acadienne inc." in text
    assert certificate.display_code in text


def test_the_pdf_says_where_to_check_the_current_status_in_both_languages(certificate):
    text = text_of(read(certificate))

    url = f"http://127.0.0.1:8000/fr/verify/{certificate.code}/"
    assert openbadges.verify_url(certificate) == url
    # Each language's line points to the verification page in that language.
    for language, sentence in zip(("en", "fr"), in_both(pdf.TEXTS["status"]), strict=True):
        assert sentence % {"url": url.replace("/fr/", f"/{language}/")} in text
    for heading in in_both(pdf.TEXTS["heading"]):
        assert heading in text


def test_the_pdf_is_landscape_letter_on_one_page(certificate):
    reader = read(certificate)

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == (792, 612)


def test_the_pdf_is_tagged_with_its_title_and_language(certificate):
    reader = read(certificate)
    catalog = reader.trailer["/Root"]

    title = reader.metadata.title
    assert "Joséphine Cormier" in title
    assert certificate.display_code in title
    assert catalog["/Lang"] == "fr"
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/StructTreeRoot"].get_object()["/Type"] == "/StructTreeRoot"
    assert catalog["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp  # PDF/UA-1


def test_an_english_speakers_pdf_is_in_english_with_its_title_in_english_first(db):
    holder = learner_of(first_name="Samuel", last_name="Okafor", preferred_language="en")
    certificate = issued(holder)

    reader = read(certificate)

    heading = " / ".join(in_both(pdf.TEXTS["heading"]))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == f"{heading} – Samuel Okafor – {certificate.display_code}"
    assert reader.trailer["/Root"]["/MarkInfo"] == {"/Marked": True}


def test_the_structure_tree_has_headings_a_table_and_the_qr_code_as_a_figure(certificate):
    reader = read(certificate)
    tags, alternates = [], []

    def walk(element):
        element = element.get_object()
        if not hasattr(element, "get"):
            return
        if "/S" in element:
            tags.append(element["/S"])
            if "/Alt" in element:
                alternates.append(element["/Alt"])
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])

    assert tags.count("/H1") == 2
    assert tags.count("/Table") == 2
    assert "/Figure" in tags
    assert any(certificate.code in alt for alt in alternates)


def test_the_fonts_are_the_projects_own_and_embedded(certificate):
    page = read(certificate).pages[0]
    fonts = page["/Resources"]["/Font"]

    # Named after the @font-face families of certificate.css: the shipped DejaVu files, not
    # whatever the machine has installed.
    names = {fonts[key].get_object()["/BaseFont"].split("+")[-1] for key in fonts}
    assert names == {"Certificate-Sans", "Certificate-Sans-Bold", "Certificate-Serif-Bold"}
    for key in fonts:
        descendant = fonts[key].get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"]


def test_the_signed_data_and_the_open_badges_credential_are_attached(certificate):
    attachments = read(certificate).attachments

    assert set(attachments) == {pdf.JWS_ATTACHMENT, pdf.OPENBADGES_ATTACHMENT}
    jws = attachments[pdf.JWS_ATTACHMENT][0].decode()
    assert jws == certificate.jws
    assert signing.verify(jws) == certificate.snapshot
    jwt = attachments[pdf.OPENBADGES_ATTACHMENT][0].decode()
    assert jwt == openbadges.credential_jwt(certificate)
    assert signing.verify(jwt)["credentialStatus"]["statusListIndex"] == str(
        certificate.status_index
    )


def test_rendering_the_same_certificate_again_gives_the_stored_bytes(certificate):
    assert hashlib.sha256(pdf.certificate_pdf(certificate)).hexdigest() == certificate.pdf_sha256


def test_the_qr_code_decodes_to_the_verification_url(certificate, tmp_path):
    for tool, package in (("pdftoppm", "poppler-utils"), ("zbarimg", "zbar-tools")):
        need(f"{tool} (Debian package {package})", shutil.which(tool) is not None)
    source = tmp_path / "certificate.pdf"
    with certificate.pdf.open("rb") as stored:
        source.write_bytes(stored.read())

    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", source, tmp_path / "page"], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", tmp_path / "page.png"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()

    assert decoded == [f"http://127.0.0.1:8000/fr/verify/{certificate.code}/"]


# -- Nothing comes from the network ---------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection is recorded and refused."""
    attempts = []

    def refuse(sock, address, *args):
        attempts.append(address)
        raise OSError(f"network access during rendering: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_a_certificate_renders_without_any_connection(certificate, no_network):
    data = pdf.certificate_pdf(certificate)

    assert no_network == []
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="http://example.com/logo.png" alt="logo">',
        '<img src="https://example.com/logo.png" alt="logo">',
        '<link rel="stylesheet" href="https://fonts.example.com/css">',
        '<style>@import url("http://example.com/x.css");</style>',
        '<style>@font-face { font-family: X; src: url("ftp://example.com/x.ttf"); }</style>',
        '<img src="file:///etc/hostname" alt="x">',
        '<img src="../../../../settings/base.py" alt="x">',
    ],
)
def test_anything_outside_the_static_files_is_refused(reference, no_network):
    html = f'<html lang="en"><head><title>t</title></head><body>{reference}<p>x</p></body></html>'

    with pytest.raises(pdf.ResourceRefused):
        pdf.render(html)

    assert no_network == []


def test_the_fetcher_serves_the_projects_fonts_and_data_uris():
    fetcher = pdf.LocalFetcher()

    font = fetcher.fetch((pdf.STATIC_ROOT / "fonts" / "DejaVuSans.ttf").as_uri())
    data = fetcher.fetch("data:text/plain;base64,aGVsbG8=")

    assert font.read()[:4] == b"\x00\x01\x00\x00"
    assert data.read() == b"hello"
    with pytest.raises(pdf.ResourceRefused):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.refused == ["file:///etc/passwd"]


def test_the_shipped_fonts_come_with_their_licence():
    fonts = pdf.STATIC_ROOT / "fonts"
    licence = (fonts / "LICENSE.txt").read_text()

    assert re.search(r"Bitstream", licence)
    assert "DejaVu changes are in public domain" in licence
    css = (pdf.STATIC_ROOT / "css" / "certificate.css").read_text()
    for name in re.findall(r'url\("\.\./fonts/([^"]+)"\)', css):
        assert (fonts / name).is_file()


# -- Addresses follow SITE_URL ----------------------------------------------------------------


def qr_decoded(certificate, folder) -> list[str]:
    for tool, package in (("pdftoppm", "poppler-utils"), ("zbarimg", "zbar-tools")):
        need(f"{tool} (Debian package {package})", shutil.which(tool) is not None)
    source = folder / "certificate.pdf"
    with certificate.pdf.open("rb") as stored:
        source.write_bytes(stored.read())
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", source, folder / "page"], check=True
    )
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", folder / "page.png"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_address_on_the_pdf_follows_site_url_in_its_own_language(
    db, settings, tmp_path, language
):
    settings.SITE_URL = "http://127.0.0.1:8765"
    holder = learner_of(EmployerFactory(), preferred_language=language)

    certificate = issued(holder)

    site = "http://127.0.0.1:8765"
    assert qr_decoded(certificate, tmp_path) == [f"{site}/{language}/verify/{certificate.code}/"]
    text = text_of(read(certificate)).replace(" ", "")
    for line_language, line in zip(("en", "fr"), in_both(pdf.TEXTS["status"]), strict=True):
        url = f"{site}/{line_language}/verify/{certificate.code}/"
        assert (line % {"url": url}).replace(" ", "") in text
    assert "/fr/verify/" in text and "127.0.0.1:8000" not in text
