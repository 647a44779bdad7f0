"""Move the PDFs of certificates issued before they had a private storage out of the public
media storage (where ``/media/certificates/...`` served them) into ``STORAGES["certificates"]``,
under the same names. A file already moved, or missing, is left as it is."""

from django.core.files.storage import storages
from django.db import migrations


def pdfs_move(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    public, private = storages["default"], storages["certificates"]
    names = Certificate.objects.exclude(pdf="").values_list("pdf", flat=True).iterator()
    for name in names:
        if private.exists(name) or not public.exists(name):
            continue
        with public.open(name, "rb") as source:
            saved = private.save(name, source)
        if saved != name:  # the storage chose another name: keep the file where it was
            private.delete(saved)
            continue
        public.delete(name)


def pdfs_return(apps, schema_editor):
    """Going back: the files return to the public storage."""
    Certificate = apps.get_model("certificates", "Certificate")
    public, private = storages["default"], storages["certificates"]
    for name in Certificate.objects.exclude(pdf="").values_list("pdf", flat=True).iterator():
        if public.exists(name) or not private.exists(name):
            continue
        with private.open(name, "rb") as source:
            public.save(name, source)
        private.delete(name)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0005_certificate_pdf_private_storage")]

    operations = [migrations.RunPython(pdfs_move, pdfs_return)]
