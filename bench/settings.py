"""The benchmark server: production settings, served over plain HTTP on 127.0.0.1.

Everything else comes from the environment ``bench/run.py`` gives every process it starts
(database, Redis cache and broker, signing key). What differs from production, and why:

- no TLS in front, so no HTTPS redirect, no HSTS and cookies not marked Secure (a load
  generator on plain HTTP would otherwise never send them back);
- static files referenced without a collected manifest (no ``collectstatic`` run; nothing
  static is requested by the load);
- ``bench.urls``: the site's URLs plus a constant JSON view, the floor of the verification
  benchmark.
"""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import CACHES, STORAGES, env

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One run's keys in a shared Redis, removed at the end of the run.
CACHES["default"]["KEY_PREFIX"] = env("BENCH_RUN", default="bench")
