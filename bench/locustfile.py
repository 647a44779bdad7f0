"""Locust users for ``bench/run.py``: one class per scenario, chosen on the command line.

``BENCH_LOCUST_DATA`` names the JSON file ``run.py`` writes (session keys, URLs, quiz
answers, certificate codes); every request's start, duration and outcome go to
``BENCH_LOCUST_OUT`` when locust stops, for exact medians and percentiles.
"""

import itertools
import json
import os
import random

from locust import constant, events
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

with open(os.environ["BENCH_LOCUST_DATA"]) as data_file:
    DATA = json.load(data_file)
RECORDS: list[tuple[str, float, float, bool]] = []
NUMBERS = itertools.count()


@events.request.add_listener
def record(name, start_time, response_time, exception, **kwargs):
    RECORDS.append((name, start_time, response_time, exception is None))


@events.quitting.add_listener
def save(environment, **kwargs):
    with open(os.environ["BENCH_LOCUST_OUT"], "w") as out:
        json.dump({"requests": RECORDS}, out)


def cookie(session_key: str | None = None) -> dict:
    parts = [f"csrftoken={DATA['csrf']}"]
    if session_key:
        parts.append(f"sessionid={session_key}")
    return {"Cookie": "; ".join(parts)}


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def expect(self, url: str, status: int = 200, name: str | None = None):
        with self.client.get(
            url, headers=self.headers, name=name or url, catch_response=True
        ) as response:
            if response.status_code != status:
                response.failure(f"{response.status_code}")


class LessonPageUser(BenchUser):
    """A learner with a module in progress, reading its lessons."""

    def on_start(self):
        reader = DATA["lesson"][next(NUMBERS) % len(DATA["lesson"])]
        self.headers = cookie(reader["session"])
        self.urls = itertools.cycle(reader["urls"])

    def task(self):
        self.expect(next(self.urls), name="lesson page")

    tasks = [task]


class PlainPageUser(BenchUser):
    """The same learners reading the lesson's content as a plain content page."""

    def on_start(self):
        reader = DATA["lesson"][next(NUMBERS) % len(DATA["lesson"])]
        self.headers = cookie(reader["session"])

    def task(self):
        self.expect(DATA["plain"], name="plain page")

    tasks = [task]


class PlainPageVisitor(BenchUser):
    """The plain content page, for a visitor who is not signed in."""

    def on_start(self):
        self.headers = cookie()

    def task(self):
        self.expect(DATA["plain"], name="plain page, anonymous")

    tasks = [task]


class QuizSubmitUser(BenchUser):
    """Learners submitting open quiz attempts, each attempt once."""

    def on_start(self):
        self.headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def task(self):
        if not DATA["quiz"]:
            raise StopUser()
        attempt = DATA["quiz"].pop()
        headers = {**self.headers, **cookie(attempt["session"]), "X-CSRFToken": DATA["csrf"]}
        with self.client.post(
            attempt["url"],
            data=attempt["body"],
            headers=headers,
            name="quiz submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/results/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"{response.status_code}")

    tasks = [task]


class CodeCheckingUser(BenchUser):
    """Someone checking random real certificate codes. Each scenario subclasses this one
    (tasks are not declared here: locust adds a base class's tasks to its subclasses')."""

    abstract = True

    def on_start(self):
        self.headers = {}
        self.random = random.Random(next(NUMBERS))

    def code(self) -> str:
        return self.random.choice(DATA["codes"])


class ApiVerifyUser(CodeCheckingUser):
    """Machines checking real certificate codes through the API."""

    def task(self):
        self.expect(f"/api/v1/certificates/{self.code()}", name="verification API")

    tasks = [task]


class PageVerifyUser(CodeCheckingUser):
    """People checking real certificate codes on the verification page."""

    def task(self):
        self.expect(f"/en/verify/{self.code()}/", name="verification page")

    tasks = [task]


class LookupOnlyUser(CodeCheckingUser):
    """The lookup's floor: the one indexed query a verification makes, and nothing else."""

    def task(self):
        self.expect(f"/bench/lookup/{self.code()}.json", name="lookup only")

    tasks = [task]


class ConstantJsonUser(BenchUser):
    """The floor: a view returning constant JSON on the same server."""

    def on_start(self):
        self.headers = {}

    def task(self):
        self.expect("/bench/constant.json", name="constant JSON")

    tasks = [task]


class DashboardUser(BenchUser):
    """SPO staff on the dashboard of an SPO with 1,000 partner employers."""

    def on_start(self):
        self.headers = cookie(DATA["dashboard"]["session"])
        self.urls = itertools.cycle(DATA["dashboard"]["urls"])

    def task(self):
        name, url = next(self.urls)
        self.expect(url, name=name)

    tasks = [task]
