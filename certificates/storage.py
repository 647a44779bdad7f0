"""Where certificate PDFs are kept: a storage of their own (``STORAGES["certificates"]``),
never the public media storage, so that no web address reaches them. The only way to get a
PDF is the download view, which checks who asks and records it.

By default a local directory outside ``MEDIA_ROOT`` (``CERTIFICATE_FILES_ROOT``); in
production with a bucket, a private prefix of S3-compatible storage read with signed URLs
(``cms.settings.production``)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files in ``CERTIFICATE_FILES_ROOT`` (read when used, so tests can change it), with no
    web address."""

    def __init__(self, location=None, **kwargs):
        kwargs["base_url"] = None
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._location or settings.CERTIFICATE_FILES_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Certificate files have no web address; use the download view.")


def certificate_storage():
    """The storage of certificate PDFs (a callable, so that settings choose it at run time)."""
    return storages["certificates"]
