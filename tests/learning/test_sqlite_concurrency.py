"""The embedded default (`make demo`: SQLite in a file, development settings, runserver's
threads) under concurrent writes: the same lesson marked as done twenty times at once, as the
page's script and its button do together, answers every request without a server error and
records the lesson once.

The server runs in a process of its own, on a database file of its own, migrated for the test:
the suite's own database may be PostgreSQL or SQLite in memory, neither of which is what
`make demo` runs on.
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.conftest import BASE_DIR

CONCURRENT = 20

SEED = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site
from tests.factories.courses import LessonPageFactory, ModuleIndexPageFactory, ModulePageFactory

home = Site.objects.get(is_default_site=True).root_page
module = ModulePageFactory(parent=ModuleIndexPageFactory(parent=home))
lesson = LessonPageFactory(parent=module)
LessonPageFactory(parent=module)
user = get_user_model().objects.create_user(email="sam@example.com", password="unused-9x!Q")
client = Client()
client.force_login(user)
with translation.override("en"):
    done = reverse("learning:lesson_complete", args=[lesson.pk])
print(json.dumps({"lesson": lesson.url, "done": done,
                  "session": client.cookies["sessionid"].value}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path):
    """A runserver on a migrated SQLite file, with `make demo`'s settings; yields its address
    and what the seed printed (the lesson, its "done" address, a signed-in session)."""
    database = tmp_path / "demo.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DJANGO_READ_DOT_ENV": "0",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "sqlite-concurrency-test-key-0123456789-abcdefghijklmnop",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    run = {"cwd": BASE_DIR, "env": environment, "check": True, "capture_output": True}
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], **run, timeout=240)
    printed = subprocess.run([*manage, "shell", "--no-imports", "-c", SEED], **run).stdout
    seeded = json.loads(printed.splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{address}/en/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield address, seeded, database
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_twenty_concurrent_lesson_completions_answer_and_record_once(demo_server):
    address, seeded, database = demo_server
    session = requests.Session()
    session.cookies.set("sessionid", seeded["session"])
    lesson_page = session.get(f"{address}{seeded['lesson']}", timeout=10)
    assert lesson_page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', lesson_page.text).group(1)
    cookies = {"sessionid": seeded["session"], "csrftoken": session.cookies["csrftoken"]}
    barrier = threading.Barrier(CONCURRENT)
    statuses = []

    def mark_done(index):
        barrier.wait()
        # Half as the page's script posts, half as the button does.
        headers = {"X-CSRFToken": token, "X-Requested-With": "fetch"} if index % 2 else {}
        answer = requests.post(
            f"{address}{seeded['done']}",
            data={"csrfmiddlewaretoken": token, "next": seeded["lesson"]},
            headers={**headers, "Referer": f"{address}{seeded['lesson']}"},
            cookies=cookies,
            allow_redirects=False,
            timeout=60,
        )
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=mark_done, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert sorted(statuses) == [204] * (CONCURRENT // 2) + [302] * (CONCURRENT // 2)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM learning_lessonprogress").fetchone() == (1,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
