"""Production: the same code, configured only through the environment.

SECRET_KEY is required. Media can live on S3-compatible object storage so that several web
servers and workers share it (set AWS_STORAGE_BUCKET_NAME and friends).
"""

from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # raises ImproperlyConfigured when missing

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Certificate PDFs: never under MEDIA_ROOT (CERTIFICATE_FILES_ROOT, see base.py).
    "certificates": {"BACKEND": "certificates.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

    # Certificate PDFs: private objects under their own prefix (or in their own bucket),
    # which the download view reads; nothing links to them.
    STORAGES["certificates"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("CERTIFICATES_BUCKET_NAME", default=env("AWS_STORAGE_BUCKET_NAME")),
            "location": env("CERTIFICATES_BUCKET_PREFIX", default="private"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

    # Uploaded images are shown from the bucket's own address: the policy allows it.
    bucket = env("AWS_STORAGE_BUCKET_NAME")
    if env("AWS_S3_CUSTOM_DOMAIN", default=""):
        media_origins = [f"https://{env('AWS_S3_CUSTOM_DOMAIN')}"]
    elif env("AWS_S3_ENDPOINT_URL", default=""):
        endpoint = urlsplit(env("AWS_S3_ENDPOINT_URL"))
        media_origins = [
            f"{endpoint.scheme}://{endpoint.netloc}",
            f"{endpoint.scheme}://{bucket}.{endpoint.netloc}",
        ]
    else:
        region = env("AWS_S3_REGION_NAME", default="")
        media_origins = [f"https://{bucket}.s3.amazonaws.com"]
        if region:
            media_origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    for directive in ("img-src", "media-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][directive] += media_origins

# HTTPS everywhere; the load balancer terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
