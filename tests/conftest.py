import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.snapshots import seeded

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Browser tests (tests/e2e) drive Debian's Chromium; under REQUIRE_BROWSER=1 they fail instead
# of skipping when it is missing.
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
CHROMIUM = Path("/usr/bin/chromium")
BASE_DIR = Path(__file__).resolve().parent.parent


def pytest_report_header(config):
    return [
        f"database: {settings.DATABASES['default']['ENGINE']}",
        f"celery broker: {settings.CELERY_BROKER_URL or '(none: eager)'}",
        f"REQUIRE_SERVICES={int(REQUIRE_SERVICES)}",
        f"REQUIRE_BROWSER={int(REQUIRE_BROWSER)}",
        f"browser tests: {browser_tests_status()}",
    ]


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def browser_tests_status() -> str:
    if chromium_available():
        return f"run with {CHROMIUM}"
    if REQUIRE_BROWSER:
        return f"fail: {CHROMIUM} not found (install the chromium package)"
    return f"skipped: {CHROMIUM} not found (install the chromium package)"


# How to run the tests a missing service skips (.ci/run does the same on a fresh database).
HOW_TO_RUN = {
    "PostgreSQL": "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<database>",
    "Redis": "run with CELERY_BROKER_URL=redis://127.0.0.1:6379/0 and Redis listening there",
}


def need(service: str, available: bool) -> None:
    """Skip a test whose service is missing, saying how to run it, or fail it under
    REQUIRE_SERVICES=1."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{service} is required (REQUIRE_SERVICES=1) but not available")
    how = next((how for name, how in HOW_TO_RUN.items() if service.startswith(name)), "")
    pytest.skip(f"{service} not available: {how}" if how else f"{service} not available")


def redis_available() -> bool:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the seeded bilingual demo (site, catalogue, accounts) for
    every test; each test's changes are rolled back. Transactional tests start from the
    migrated state instead (``serialized_rollback``) and seed what they need; the demo is kept
    (``tests.snapshots``) so that browser tests load it instead of seeding it again."""
    from cms.management.commands.seed_demo import demo_seed

    with django_db_blocker.unblock():
        seeded(demo_seed)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request to a French page activates French for the
    thread, and Django never switches back outside a request."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_content_types(request):
    """Forget cached content types after a transactional test: it empties the database when
    it ends (one with serialized_rollback does not even recreate content types), so the ids
    it cached may no longer exist for the next test."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


@pytest.fixture
def postgres(db):
    need("PostgreSQL", connection.vendor == "postgresql")


@pytest.fixture(scope="session")
def _celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real ``celery worker`` process on the Redis broker and the test database, started
    once for the session on a queue of its own."""
    need("PostgreSQL", connection.vendor == "postgresql")
    need("Redis broker (CELERY_BROKER_URL)", redis_available())

    queue = f"test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    with django_db_blocker.unblock():
        db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cms", "worker", "--pool=solo",
             "--loglevel=INFO", "-Q", queue, "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield type("Worker", (), {"queue": queue, "mail_dir": mail_dir, "log": log})
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def celery_worker_process(_celery_worker):
    """Tasks sent during the test go through Redis to the real worker (every other test runs
    them eagerly). Yields a namespace with the queue name and the directory the worker writes
    emails to. Tests that use it need ``transactional_db`` so the worker sees their rows."""
    from cms.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = _celery_worker.queue
    try:
        yield _celery_worker
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")
