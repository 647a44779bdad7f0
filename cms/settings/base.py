"""Settings shared by every environment.

Everything that differs between machines comes from the environment (see ``.env.example``).
Unset variables fall back to embedded defaults that need no services: SQLite, tasks run
eagerly in-process, email printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file (written by `make demo`) complements the real environment; real
# variables win.
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in emails, QR codes and feeds.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "cms",
    "courses",
    "learning",
    "certificates",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "polymorphic",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.content_security.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees the outcome of authentication in every view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user:pass@127.0.0.1:5432/welcoming
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))


def prepared_statements(database: dict) -> dict:
    """PostgreSQL plans a query anew each time it runs, unless it is prepared. With parameters
    bound on the server, psycopg prepares a query once it has run 5 times on a connection,
    and persistent connections (CONN_MAX_AGE) keep it: pages whose queries join several
    tables stop paying for their planning. DATABASE_PREPARED_STATEMENTS=0 turns this off
    (needed behind PgBouncer in transaction mode before version 1.21)."""
    if database["ENGINE"].endswith("postgresql") and env.bool(
        "DATABASE_PREPARED_STATEMENTS", default=True
    ):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5)
    return database


prepared_statements(DATABASES["default"])


def sqlite_concurrency(database: dict) -> dict:
    """The embedded SQLite database under concurrent requests: write-ahead logging lets
    readers go on while one connection writes, a writer waits up to 20 seconds for the lock
    instead of failing at once, and transactions take the write lock when they begin
    (IMMEDIATE), so that two requests never both read and then both try to upgrade to a
    write, which SQLite refuses to one of them ("database is locked") without waiting."""
    if database["ENGINE"].endswith("sqlite3"):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("timeout", 20)
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    return database


sqlite_concurrency(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: CACHE_URL, e.g. redis://127.0.0.1:6379/1 (shared by every web server in production).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Accounts
AUTH_USER_MODEL = "learning.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "learning.auth.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Pages restricted to signed-in people or groups send visitors to the site's own sign-in page.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Lockout after repeated failures. The lock is keyed on the pair (account, address): an
# attacker guessing from one address locks only that pair, never the owner elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed sign-ins one client address may make across all accounts (password spraying) before
# it is refused for the rest of the period (learning.views.accounts); accounts stay open to
# everyone else. "<count>/<s|m|h|d>".
SIGN_IN_CLIENT_FAILURE_RATE = env.str("SIGN_IN_CLIENT_FAILURE_RATE", default="30/h")
# Password-reset emails per address, and reset requests per client address.
PASSWORD_RESET_ADDRESS_RATE = env.str("PASSWORD_RESET_ADDRESS_RATE", default="3/h")
PASSWORD_RESET_CLIENT_RATE = env.str("PASSWORD_RESET_CLIENT_RATE", default="20/h")
# The sign-in form's field; addresses are compared case-insensitively, as at sign-in.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "learning.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# Number of reverse proxies in front of the web servers (0 when clients connect directly).
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Internationalization: English and French, Canadian formats, every URL under /en/ or /fr/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in ("cms", "courses", "learning", "certificates")]
FORMAT_MODULE_PATH = ["cms.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = env("TIME_ZONE", default="America/Halifax")
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = _("Welcoming Workplaces")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt", "csv"]
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No avatars from a third party: they would send a hash of each staff email address there.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# New translations start as drafts: nothing goes live in a language before it is translated.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# Static files are served by the application itself (whitenoise); nothing from CDNs.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static")
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Certificate PDFs: a private directory outside MEDIA_ROOT that no web address serves
# (certificates.storage); only the download view reads it.
CERTIFICATE_FILES_ROOT = env.path(
    "CERTIFICATE_FILES_ROOT", default=BASE_DIR / "private" / "certificates"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "certificates": {"BACKEND": "certificates.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.ca:587 (console by default).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Welcoming Workplaces <no-reply@welcoming-workplaces.ca>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker, tasks run eagerly in-process; with CELERY_BROKER_URL they go to the
# broker and a worker runs them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Where verification events wait to be written in batches (certificates/verification_log.py):
# a Redis URL, by default the broker's; empty writes each event at once.
VERIFICATION_LOG_BUFFER = env("VERIFICATION_LOG_BUFFER", default=CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One queue by default; tests give each run its own so that stale messages never mix in.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Task modules autodiscovery (``<app>.tasks``) does not find.
CELERY_IMPORTS = ["certificates.lifecycle_tasks"]
CELERY_BEAT_SCHEDULE: dict = {
    "publish-scheduled-content": {"task": "cms.publish_scheduled", "schedule": 60.0},
    # Certificates (certificates/lifecycle_tasks.py), in TIME_ZONE: expiry reminders and
    # recertification every morning, verification events older than a year every night.
    "certificates-expiry": {
        "task": "certificates.expiry_daily",
        "schedule": crontab(hour=7, minute=0),
    },
    # Verification events buffered in Redis (certificates/verification_log.py), every 10 s.
    "certificates-verification-events-flush": {
        "task": "certificates.verification_events_flush",
        "schedule": 10.0,
    },
    "certificates-verification-events-purge": {
        "task": "certificates.verification_events_purge",
        "schedule": crontab(hour=3, minute=30),
    },
    # Due-date reminders and employer digests of overdue training (learning/tasks.py), daily
    # at 8:00 in TIME_ZONE.
    "reminders-send": {"task": "learning.reminders_send", "schedule": crontab(hour=8, minute=0)},
}

# Certificates are signed with Ed25519 (see certificates/signing.py): the current private key
# (PEM) and its kid, and the public keys of retired ones as a JWKS.
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", default="")
CERTIFICATE_SIGNING_KEY_ID = env("CERTIFICATE_SIGNING_KEY_ID", default="")
CERTIFICATE_RETIRED_KEYS = env("CERTIFICATE_RETIRED_KEYS", default='{"keys": []}')
# Verification pages (bulk included) and the verification API, per client address (resolved
# like the sign-in lockout, through PROXY_COUNT proxies), counted in the default cache:
# "<count>/<s|m|h|d>". Past the limit: 429.
CERTIFICATE_VERIFY_RATE = env("CERTIFICATE_VERIFY_RATE", default="60/m")
# Access requests from employers nobody invited, per client address.
ACCESS_REQUEST_RATE = env("ACCESS_REQUEST_RATE", default="5/h")
CERTIFICATE_API_RATE = env("CERTIFICATE_API_RATE", default="60/m")
RATELIMIT_USE_CACHE = "default"
# Invitation emails an organization may send in 24 hours (an employer to its staff, a CSV
# file included; an SPO to employers). A file above what is left is refused whole.
INVITATIONS_PER_DAY = env.int("INVITATIONS_PER_DAY", default=500)
# Expiry: reminders and recertification this many days before; a module's major change asks
# for recertification within this many days; verification events kept this many days.
CERTIFICATE_EXPIRY_NOTICE_DAYS = env.int("CERTIFICATE_EXPIRY_NOTICE_DAYS", default=30)
CERTIFICATE_RECERTIFY_GRACE_DAYS = env.int("CERTIFICATE_RECERTIFY_GRACE_DAYS", default=90)
CERTIFICATE_VERIFICATIONS_KEPT_DAYS = env.int("CERTIFICATE_VERIFICATIONS_KEPT_DAYS", default=365)

# Content Security Policy (django-csp; cms.content_security adds what the Wagtail admin needs
# on its own pages): scripts, styles and everything else only from this site, never inline;
# no plugins, no <base>, and no framing by other sites. Frames only for the video players of
# video blocks; production.py adds the object storage that serves uploaded images.
VIDEO_PLAYER_ORIGINS = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, *VIDEO_PLAYER_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The admin dashboard would otherwise ask a third party for news of Wagtail releases.
WAGTAIL_ENABLE_UPDATE_CHECK = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Routine notices (publishing, background index updates) stay out of the console.
        name: {"level": "WARNING"}
        for name in (
            "django.db.backends",
            "wagtail",
            "django_tasks",
            "modelsearch",
            "axes",
            "weasyprint",
        )
    },
}
