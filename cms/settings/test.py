"""The test suite. DATABASE_URL and CELERY_BROKER_URL come from the environment in CI."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, prepared_statements

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DATABASES = {"default": prepared_statements(env.db("DATABASE_URL", default="sqlite://:memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a test starts a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = True
# Verification events written at once, unless a test buffers them (tests/certificates).
VERIFICATION_LOG_BUFFER = ""
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "media" / "test-mail"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/welcoming-workplaces-test-media")
CERTIFICATE_FILES_ROOT = env.path(
    "CERTIFICATE_FILES_ROOT", default="/tmp/welcoming-workplaces-test-certificates"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "certificates": {"BACKEND": "certificates.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Each test builds its own pages; a shared cache would carry Wagtail's site root paths over.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# Test-only signing keys (not secret): the current one, and a retired one whose public key is
# still published, for tests that old certificates keep verifying.
CERTIFICATE_SIGNING_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIFZNxIcbS1sLB0e69cO9bhFk3mPf7W8SlbCdtPF4ribx\n"
    "-----END PRIVATE KEY-----\n"
)
CERTIFICATE_SIGNING_KEY_ID = "test-2026"
TEST_RETIRED_SIGNING_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIGpKvjrGbcxJZyTCCsUbxuqTNEolvPELklYArjjTCYMq\n"
    "-----END PRIVATE KEY-----\n"
)
CERTIFICATE_RETIRED_KEYS = (
    '{"keys": [{"crv": "Ed25519", "x": "XJWi5ykSVU47awywoZOKc8HonOqlQKK-WW1zL6aqYKs", '
    '"kid": "test-retired", "kty": "OKP"}]}'
)
