"""Browser journeys: Playwright (through pytest-playwright) drives Debian's Chromium against
pytest-django's live server.

Each test is transactional (the live server answers from another thread, so it must see
committed rows) with serialized rollback: it starts from the migrated database, seeds what it
needs with the project's own services, and its changes are flushed afterwards. Screenshots of
each step go to ``tests/e2e/artifacts/<test>/<language>/``.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, REQUIRE_BROWSER, chromium_available
from tests.snapshots import database_empty

# Playwright's sync API keeps an asyncio event loop running in the main thread from the first
# browser test to the end of the session, and Django refuses ORM calls from a thread with a
# running loop (SynchronousOnlyOperation): the tests' own setup and assertions, pytest-django's
# flush, and every later test. The loop never runs ORM code, so the guard does not apply.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAX_HEIGHT = 8000  # pixels of a screenshot


def need_chromium() -> None:
    """Skip a browser test when Chromium is missing, or fail it under REQUIRE_BROWSER=1."""
    if chromium_available():
        return
    if REQUIRE_BROWSER:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}, and REQUIRE_BROWSER=1 requires the browser tests"
            " (install the chromium package)"
        )
    pytest.skip(
        f"Chromium not found at {CHROMIUM}: browser tests skipped (install the chromium package)"
    )


def pytest_runtest_setup(item):
    # Before any fixture: no database or live server for a test that cannot run.
    if item.get_closest_marker("browser"):
        need_chromium()


@pytest.fixture(scope="session")
def playwright(_pw_api_request_contexts):
    """pytest-playwright's fixture, except that the main thread keeps its database connections.

    Playwright's sync API runs an asyncio event loop in the main thread, and inside a running
    loop Django's connection handler keeps connections per asyncio context instead of per
    thread: the tests would get fresh connections, without what pytest-django attached to the
    old ones (the serialized migrated state that ``serialized_rollback`` reloads).
    """
    kept = {alias: connections[alias] for alias in connections}
    pw = sync_playwright().start()
    for alias, connection in kept.items():
        connections[alias] = connection
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, on Debian's Chromium: Playwright cannot download
    its own browsers here."""
    need_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Every page opens relative to the live server, in a desktop-sized window, without
    animations to wait for."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
    }


@pytest.fixture(scope="module")
def migrated_state(django_db_setup, django_db_blocker):
    """Prepare for serialized rollback, which reloads the migrated state before each test.

    It reloads objects app by app, in INSTALLED_APPS order, and Wagtail's workflow tasks look
    their content type up as they are built, before the content types (listed later) are back:
    Wagtail would create one under another id. Content types therefore go first. And it loads
    them on top of what the database holds: the demo that ``django_db_setup`` seeded for the
    other tests would collide with them, so the database starts empty. Sequences keep their
    values, as after each transactional test, so new rows never take a reloaded row's id.
    """
    with django_db_blocker.unblock():
        for connection in connections.all():
            if hasattr(connection, "_test_serialized_contents"):
                objects = json.loads(connection._test_serialized_contents)
                objects.sort(key=lambda obj: not obj["model"].startswith("contenttypes."))
                connection._test_serialized_contents = json.dumps(objects)
        database_empty()


class Screenshots:
    """Numbered full-page screenshots of a journey's steps, in one folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{name}.png"
        # The admin scrolls inside its own panes, not the document: make the window as tall
        # as the tallest of them so that the picture shows the whole form.
        size = page.viewport_size
        height = page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll('*'), e => e.scrollHeight))"
        )
        page.set_viewport_size({"width": size["width"], "height": min(height, MAX_HEIGHT)})
        page.screenshot(path=path, full_page=True)
        page.set_viewport_size(size)
        return path


@pytest.fixture
def screenshots(request) -> Screenshots:
    """``screenshots(page, "step name")`` saves the page under
    ``artifacts/<test>/<language>/NN-step-name.png``, replacing the previous run's."""
    params = getattr(request.node, "callspec", None)
    language = params.params.get("language", "") if params else ""
    folder = ARTIFACTS / request.node.originalname / language
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Screenshots(folder)


class Windows:
    """Browser windows on the live server, each in a context of its own (its own cookies, so
    one per user). Requests to other hosts are aborted, so that tests never depend on the
    network; JavaScript errors and static files that fail to load are collected in
    ``problems``: the admin must run with its scripts and styles."""

    def __init__(self, new_context, live_server):
        self.new_context = new_context
        self.elsewhere = re.compile(rf"^(?!{re.escape(live_server.url)}/)")
        self.problems: list[str] = []

    def open(self, *, locale: str = "en-CA"):
        context = self.new_context(locale=locale)
        context.route(self.elsewhere, lambda route: route.abort())
        context.on("weberror", lambda error: self.problems.append(f"JavaScript: {error.error}"))
        context.on("response", self._check_static)
        return context.new_page()

    def _check_static(self, response) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")


@pytest.fixture
def windows(new_context, live_server, migrated_state) -> Windows:
    """Every browser test's way to the browser (and to the migrated state: module-scoped, it
    is prepared before pytest-django reloads it for the test)."""
    return Windows(new_context, live_server)
