"""Property-based fuzzing (Hypothesis) of every public form, the verification pages and API,
language switching, and quiz submission: whatever a client sends, the answer is never a
server error (the test client re-raises any exception a view lets through), and sign-in
never redirects to another site."""

import re
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from courses.models import ModulePage, QuizPage
from learning.demo import answers_for
from learning.models import Invitation, Membership, Organization, QuizAttempt
from learning.services import attempt_start
from learning.services import organizations as organization_services
from learning.services.reminders import unsubscribe_token
from tests.factories.certificates import CertificateFactory
from tests.factories.learning import SpoFactory, UserFactory, member

pytestmark = pytest.mark.django_db

# Examples per target: enough to reach odd input, few enough that the module runs in well
# under a minute. No example database: runs do not depend on earlier ones.
fuzz = hypothesis_settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser can send (lone surrogates cannot be encoded, so no client sends them),
# and values known to upset parsers.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "0",
        "-1",
        "9" * 40,
        "1e309",
        "NaN",
        "true",
        "null",
        "[]",
        "{}",
        "%00",
        "%",
        "../../etc/passwd",
        "//evil.example.com/",
        "https://evil.example.com/",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\u202e\u0000\ufeff",
        "ß" * 80,
        "a@b.c",
        "@",
        "x" * 5000,
        "7K3M-Q9TD-2BXN-H4RC-V",
        "a" * 12 + "@example.com",
    ]
)
VALUE = st.one_of(TEXT, NASTY)
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=0, max_size=3))
LANGUAGE = st.sampled_from(["en", "fr"])
EXTRA = st.dictionaries(st.one_of(TEXT, NASTY).filter(bool), VALUES, max_size=3)


def form(*names: str):
    """Form data: any subset of the form's fields, each with any value(s), and extra fields."""
    return st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries({}, optional={name: VALUES for name in names}),
        EXTRA,
    )


def segment(text: str) -> str:
    """``text`` as one path segment of a URL (never empty)."""
    return quote(text, safe="") or "0"


def answered(response) -> int:
    assert response.status_code < 500, response.content[:500]
    return response.status_code


def stays_here(response) -> None:
    """A redirect never leaves the site."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"])
        assert not location.netloc or location.netloc == "testserver", response["Location"]


# -- Accounts -------------------------------------------------------------------------------


@fuzz
@given(language=LANGUAGE, data=form("username", "password", "next"), address=st.ip_addresses())
def test_sign_in_form(client, language, data, address):
    response = client.post(f"/{language}/accounts/login/", data, REMOTE_ADDR=str(address))

    answered(response)
    stays_here(response)


@fuzz
@given(language=LANGUAGE, next_url=VALUE)
def test_sign_in_with_valid_credentials_never_redirects_elsewhere(language, next_url):
    user = UserFactory()
    response = Client().post(
        f"/{language}/accounts/login/",
        {"username": user.email, "password": "a long enough password", "next": next_url},
    )

    assert answered(response) == 302
    stays_here(response)


@fuzz
@given(language=LANGUAGE, data=form("email"))
def test_password_reset_form(client, language, data):
    response = client.post(f"/{language}/accounts/password/reset/", data)

    answered(response)
    stays_here(response)


@fuzz
@given(
    language=LANGUAGE,
    uid=VALUE,
    token=VALUE,
    data=form("new_password1", "new_password2"),
)
def test_password_reset_confirm_form(client, language, uid, token, data):
    url = f"/{language}/accounts/password/reset/{segment(uid)}/{segment(token)}/"

    answered(client.get(url))
    answered(client.post(url, data))


# -- Invitations ----------------------------------------------------------------------------

ACCOUNT_FIELDS = ("first_name", "last_name", "password1", "password2")
EMPLOYER_FIELDS = (
    "legal_name",
    "operating_name",
    "province",
    "community",
    "business_number",
    "preferred_language",
    "employer",
)
INVITATION_LINK = re.compile(r"/(en|fr)/invitations/([\w-]+)/")


def invitation_path(kind: str, capture, mailoutbox) -> str:
    """A fresh invitation (employer or staff) from the demo organizations; its link."""
    if kind == Invitation.Kind.EMPLOYER:
        spo = Organization.objects.get(legal_name="Halifax Newcomer Services Association")
        manager = spo.memberships.filter(role=Membership.Role.SPO_MANAGER).first().user
        with capture(execute=True):
            organization_services.employer_invite(
                spo=spo,
                invited_by=manager,
                email=f"owner{len(mailoutbox)}@newco.example.com",
                employer_name="NewCo",
                language="en",
            )
    else:
        employer = Organization.objects.get(legal_name="Harbourview Fabrication Ltd.")
        admin = employer.memberships.filter(role=Membership.Role.EMPLOYER_ADMIN).first().user
        with capture(execute=True):
            organization_services.staff_invite(
                employer=employer,
                invited_by=admin,
                email=f"hire{len(mailoutbox)}@example.com",
                language="en",
            )
    return INVITATION_LINK.search(mailoutbox[-1].body).group(0)


@pytest.mark.parametrize("kind", [Invitation.Kind.EMPLOYER, Invitation.Kind.STAFF])
def test_invitation_sign_up_form(django_capture_on_commit_callbacks, mailoutbox, kind):
    paths = [invitation_path(kind, django_capture_on_commit_callbacks, mailoutbox)]

    @fuzz
    @given(data=form(*ACCOUNT_FIELDS, *EMPLOYER_FIELDS), language=LANGUAGE)
    def submit(data, language):
        client = Client()  # signed out, as whoever opens the link
        path = re.sub(r"^/(en|fr)/", f"/{language}/", paths[-1])
        status = answered(client.post(path, data))
        if status == 302:  # accepted: the next example needs a fresh invitation
            paths.append(invitation_path(kind, django_capture_on_commit_callbacks, mailoutbox))

    submit()


@fuzz
@given(language=LANGUAGE, token=VALUE, data=form("csrfmiddlewaretoken"))
def test_invitation_and_unsubscribe_tokens(client, language, token, data):
    for prefix in ("invitations", "reminders/unsubscribe"):
        url = f"/{language}/{prefix}/{segment(token)}/"
        answered(client.get(url))
        answered(client.post(url, data))


@fuzz
@given(tail=VALUE, data=form("csrfmiddlewaretoken"))
def test_unsubscribe_with_a_tampered_token(client, tail, data):
    token = unsubscribe_token(user=UserFactory())
    url = f"/en/reminders/unsubscribe/{segment(token[:-4] + tail)}/"

    answered(client.get(url))
    answered(client.post(url, data))


# -- Verification ---------------------------------------------------------------------------


@fuzz
@given(language=LANGUAGE, code=VALUE, extra=EXTRA)
def test_verification_form_and_page(client, language, code, extra):
    response = client.get(f"/{language}/verify/", {"code": code, **extra})

    answered(response)
    stays_here(response)
    answered(client.get(f"/{language}/verify/{segment(code)}/"))


@fuzz
@given(
    code=VALUE,
    method=st.sampled_from(["get", "head", "options", "post", "delete"]),
    origin=VALUE,
    accept=VALUE,
)
def test_verification_api(client, code, method, origin, accept):
    # Header values travel as Latin-1 on the wire.
    headers = {
        "HTTP_ORIGIN": origin.encode("latin-1", "replace").decode("latin-1"),
        "HTTP_ACCEPT": accept.encode("latin-1", "replace").decode("latin-1"),
    }

    answered(getattr(client, method)(f"/api/v1/certificates/{segment(code)}", **headers))


@fuzz
@given(data=form("codes", "format"), upload=st.one_of(st.none(), st.binary(max_size=3000)))
def test_bulk_verification_form(client, data, upload):
    client.force_login(member(SpoFactory(), Membership.Role.SPO_STAFF))
    if upload is not None:
        data = {**data, "file": SimpleUploadedFile("codes.csv", upload, "text/csv")}
    certificate = CertificateFactory()
    if isinstance(data.get("codes"), str):
        data["codes"] += f"\n{certificate.code}"

    answered(client.post("/en/verify/bulk/", data))


# -- Language switching and raw requests ----------------------------------------------------


@fuzz
@given(
    path=st.lists(VALUE, min_size=1, max_size=3),
    query=EXTRA,
    accept_language=VALUE,
    cookie=VALUE,
)
def test_language_switch_on_any_address(client, path, query, accept_language, cookie):
    """The language switcher is built from the requested address on every page (404s
    included), and the language comes from the address, a cookie or Accept-Language."""
    client.cookies["django_language"] = cookie.encode("ascii", "replace").decode("ascii")
    header = accept_language.encode("latin-1", "replace").decode("latin-1")
    for prefix in ("/en/", "/fr/", "/"):
        url = prefix + "/".join(segment(part) for part in path) + "/"
        answered(client.get(url, query, HTTP_ACCEPT_LANGUAGE=header))
    answered(client.get("/", HTTP_ACCEPT_LANGUAGE=header))


@fuzz
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
            "application/json",
        ]
    ),
    url=st.sampled_from(
        [
            "/en/accounts/login/",
            "/fr/accounts/password/reset/",
            "/en/verify/bulk/",
            "/en/invitations/unknown-token/",
        ]
    ),
)
def test_raw_request_bodies(client, body, content_type, url):
    client.force_login(member(SpoFactory(), Membership.Role.SPO_STAFF))

    answered(client.generic("POST", url, body, content_type=content_type))


# -- Quiz submission ------------------------------------------------------------------------


class Learner:
    """A signed-in learner with an open attempt at the demo module's final quiz; a new learner
    once an attempt closes (passed, failed or rejected), so that every example submits to an
    open attempt."""

    def __init__(self):
        module = ModulePage.objects.get(
            slug="intercultural-competency-at-work", locale__language_code="en"
        )
        self.quiz = QuizPage.objects.child_of(module).live().get()
        self.client = Client()
        self.attempt = None

    def open_attempt(self) -> QuizAttempt:
        if self.attempt is not None:
            self.attempt.refresh_from_db()
        if self.attempt is None or self.attempt.status != QuizAttempt.Status.IN_PROGRESS:
            user = UserFactory()
            self.client.force_login(user)
            self.attempt = attempt_start(
                statement_confirmed=True, user=user, quiz=self.quiz, language="en"
            )
        return self.attempt


def mutated(answers: dict[str, list[str]], draw) -> dict:
    """The right answers with some fields dropped (light), or each field kept, dropped,
    replaced or given more values, and fields added under the attempt's own prefixes and
    elsewhere (heavy)."""
    heavy = draw(st.booleans())
    actions = ["keep", "keep", "drop", "replace", "add"] if heavy else ["keep", "keep", "drop"]
    data = {}
    for name, values in answers.items():
        action = draw(st.sampled_from(actions))
        if action == "keep":
            data[name] = values
        elif action == "replace":
            data[name] = draw(VALUES)
        elif action == "add":
            data[name] = [*values, *draw(st.lists(VALUE, min_size=1, max_size=2))]
    if heavy and draw(st.booleans()):
        prefixes = sorted({name.split("-", 1)[0] for name in answers}) or ["q1"]
        for _ in range(draw(st.integers(1, 3))):
            prefix = draw(st.sampled_from(prefixes))
            data[f"{prefix}-{draw(TEXT)}"] = draw(VALUES)
    if heavy and draw(st.booleans()):
        data.update(draw(EXTRA))
    return data


def test_quiz_submission():
    learner = Learner()

    @fuzz
    @given(draw=st.data())
    def submit(draw):
        attempt = learner.open_attempt()
        answers = {name: answers_for(attempt).getlist(name) for name in answers_for(attempt)}
        data = mutated(answers, draw.draw)

        response = learner.client.post(f"/en/my-learning/attempts/{attempt.pk}/", data)

        assert answered(response) in (200, 302, 400)
        answered(learner.client.get(f"/en/my-learning/attempts/{attempt.pk}/results/"))

    submit()
