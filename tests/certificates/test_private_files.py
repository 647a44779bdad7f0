"""Certificate PDFs live in a storage of their own that no web address serves: only the
download view, which checks who asks and records it, hands them out."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from certificates.models import AuditEvent
from tests.certificates.completions import issued
from tests.cms.test_settings import settings_for

pytestmark = pytest.mark.django_db

move = importlib.import_module(
    "certificates.migrations.0006_certificate_pdfs_move_to_private_storage"
).pdfs_move


@pytest.mark.urls("tests.cms.media_urls")
def test_an_issued_certificate_is_not_served_at_a_media_address(client):
    certificate = issued()
    storages["default"].save("images/logo.txt", ContentFile(b"public"))
    client.force_login(certificate.holder)

    guessed = client.get(f"{settings.MEDIA_URL}{certificate.pdf.name}")
    public = client.get(f"{settings.MEDIA_URL}images/logo.txt")
    downloaded = client.get(reverse("certificates:download", args=[certificate.code, "pdf"]))

    assert certificate.pdf.name.startswith("certificates/")
    assert (guessed.status_code, public.status_code, downloaded.status_code) == (404, 200, 200)
    stored = Path(certificate.pdf.path)
    assert stored.is_relative_to(Path(settings.CERTIFICATE_FILES_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


@pytest.mark.urls("tests.cms.media_urls")
def test_a_pdf_stored_before_is_moved_out_of_media_and_still_downloads(client):
    certificate = issued()
    name, data = certificate.pdf.name, certificate.pdf.read()
    certificate.pdf.close()
    storages["certificates"].delete(name)
    storages["default"].save(name, ContentFile(data))  # where it used to be
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 200

    move(apps, None)

    client.force_login(certificate.holder)
    response = client.get(reverse("certificates:download", args=[certificate.code, "pdf"]))
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
    assert b"".join(response.streaming_content) == data
    assert AuditEvent.objects.filter(certificate=certificate, action="downloaded").exists()


PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "media_root": str(settings.MEDIA_ROOT), "files_root": str(settings.CERTIFICATE_FILES_ROOT),
    "certificates": settings.STORAGES["certificates"],
}))
"""


def test_production_keeps_certificate_pdfs_out_of_media_root():
    loaded = settings_for("production", probe=PROBE, SECRET_KEY="x" * 60)

    assert loaded["certificates"]["BACKEND"] == "certificates.storage.PrivateFileSystemStorage"
    assert not Path(loaded["files_root"]).is_relative_to(loaded["media_root"])


def test_production_keeps_certificate_pdfs_private_in_a_bucket():
    loaded = settings_for(
        "production", probe=PROBE, SECRET_KEY="x" * 60, AWS_STORAGE_BUCKET_NAME="welcoming-media"
    )

    options = loaded["certificates"]["OPTIONS"]
    assert loaded["certificates"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["default_acl"], options["querystring_auth"]) == ("private", True)
    assert options["location"] == "private"


def test_the_benchmark_server_stores_certificate_pdfs_as_production_does():
    loaded = settings_for(
        "production", probe=PROBE, SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="bench.settings"
    )

    assert "error" not in loaded, loaded.get("error")
    assert loaded["certificates"]["BACKEND"] == "certificates.storage.PrivateFileSystemStorage"
