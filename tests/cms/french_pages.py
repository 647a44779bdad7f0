"""French typography as a reader meets it: a checker of rendered pages and a crawler that
fetches every French page a visitor or a signed-in role can reach.

The rules are Canadian French's (the Translation Bureau's): a no-break space (U+00A0 or the
narrow U+202F) before « : » and inside « », and no space at all before « ; ! ? ». The checker
reads what a reader sees or hears: the text of the page and its title, and the attributes
that carry words (``alt``, ``title``, ``aria-label``, ``placeholder``, a button's ``value``).
It leaves alone code and scripts, passages marked as another language (``lang="en"``),
addresses (URLs, e-mail addresses) and times (« 9 h 30 », « 14:00 »).
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

NO_BREAK = "\u00a0\u202f"
SPACES = " " + NO_BREAK
BREAK = "\ue000"  # between blocks: text on either side is never read as one run
OPAQUE = "\x01"  # something that is not French prose (a URL, an English word), still a word

# Elements that flow inside a line of text; every other element starts a new block.
_INLINE = frozenset(
    "a abbr b bdi bdo cite data del dfn em i ins label mark output q s small span strong sub "
    "sup time u".split()
)
# Elements whose text is not prose, or not shown.
_VERBATIM = frozenset("script style pre code kbd samp textarea var template noscript".split())
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_WORDED_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
_BUTTON_INPUTS = frozenset({"submit", "button", "reset"})

_URL = re.compile(r"\b(?:https?://|mailto:|www\.)[^\s<>«»\"]*[^\s<>«»\".,;:!?)]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TIME = re.compile(r"\b\d{1,2}(?:\u00a0| )?h(?:\u00a0| )?\d{2}\b|\b\d{1,2}:\d{2}\b")
_COLLAPSIBLE = re.compile(r"[ \t\r\n\f]+")  # the white space a browser collapses
_BREAKS = re.compile(rf" ?(?:{BREAK} ?)+")  # block boundaries, with the spaces around them


@dataclass(frozen=True)
class Problem:
    """A place on a page where French spacing is wrong."""

    rule: str
    snippet: str
    where: str = "text"  # "text", or the attribute it was found in

    def __str__(self) -> str:
        return f"{self.rule} ({self.where}): «{self.snippet}»"


def _shown(text: str) -> str:
    """``text`` as a failure message shows it: no-break spaces visible, blocks separated."""
    return (
        text.replace("\u00a0", "⍽")
        .replace("\u202f", "⍽")
        .replace(BREAK, " | ")
        .replace(OPAQUE, "…")
    )


def _masked(text: str) -> str:
    """``text`` with URLs, e-mail addresses and times replaced by an opaque word."""
    for pattern in (_URL, _EMAIL, _TIME):
        text = pattern.sub(OPAQUE, text)
    return text


def text_problems(text: str, *, where: str = "text") -> list[Problem]:
    """The French spacing problems of ``text``: a run of prose, whose blocks are separated by
    ``BREAK`` and whose non-French words are ``OPAQUE``. Ordinary white space is read as a
    browser shows it (collapsed)."""
    text = _masked(_BREAKS.sub(BREAK, _COLLAPSIBLE.sub(" ", text)))
    problems = []

    def problem(rule: str, position: int) -> None:
        snippet = text[max(0, position - 30) : position + 30].strip(BREAK + " ")
        problems.append(Problem(rule, _shown(snippet), where))

    for match in re.finditer(rf":(?=\s|{BREAK}|$)", text):
        position = match.start()
        before = text[:position].rstrip(" ")
        if not before or before[-1] == BREAK:
            continue  # a colon opening a block: nothing before it to keep on its line
        if text[position - 1] not in NO_BREAK:
            problem("a no-break space before « : »", position)
    for match in re.finditer("«", text):
        if text[match.end() : match.end() + 1] not in tuple(NO_BREAK):
            problem("a no-break space after «", match.start())
    for match in re.finditer("»", text):
        if match.start() == 0 or text[match.start() - 1] not in NO_BREAK:
            problem("a no-break space before »", match.start())
    for match in re.finditer(rf"[{SPACES}]+[;!?]", text):
        problem("no space before « ; ! ? »", match.end() - 1)
    return problems


class _PageReader(HTMLParser):
    """Collects a page's French prose (as one run with ``BREAK`` between blocks) and the
    French words of its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = []
        self.attributes: list[tuple[str, str]] = []  # (where, value)
        self.open: list[tuple[str, bool]] = []  # (tag, whether its text is French prose)

    def _french(self) -> bool:
        return self.open[-1][1] if self.open else True

    def _element_french(self, tag: str, attrs: dict) -> bool:
        lang = attrs.get("lang")
        if lang is not None:
            return lang.lower().startswith("fr") and tag not in _VERBATIM
        return self._french() and tag not in _VERBATIM

    def _attributes(self, tag: str, attrs: dict) -> None:
        lang = attrs.get("lang")
        if not (lang.lower().startswith("fr") if lang is not None else self._french()):
            return
        names = list(_WORDED_ATTRIBUTES)
        if tag == "input" and (attrs.get("type") or "").lower() in _BUTTON_INPUTS:
            names.append("value")
        for name in names:
            if attrs.get(name):
                self.attributes.append((f"<{tag} {name}>", attrs[name]))

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        french = self._element_french(tag, attrs)
        self._attributes(tag, attrs)
        if tag not in _INLINE:
            self.runs.append(BREAK)
        if tag in _VOID:
            return
        self.open.append((tag, french))

    def handle_startendtag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self._attributes(tag, attrs)
        if tag not in _INLINE:
            self.runs.append(BREAK)

    def handle_endtag(self, tag):
        for position in range(len(self.open) - 1, -1, -1):
            if self.open[position][0] == tag:
                del self.open[position:]
                break
        if tag not in _INLINE:
            self.runs.append(BREAK)

    def handle_data(self, data):
        if self._french():
            self.runs.append(data)
        elif self.open and self.open[-1][0] in _VERBATIM:
            self.runs.append(BREAK)
        elif data.strip():
            self.runs.append(OPAQUE)


def page_problems(html: str) -> list[Problem]:
    """The French spacing problems of the page ``html`` (see the module's docstring)."""
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    problems = text_problems("".join(reader.runs))
    for where, value in reader.attributes:
        problems += text_problems(value, where=where)
    return problems


# -- The crawl -----------------------------------------------------------------------------

_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
# Addresses that are not pages to read: files, downloads, exports, POST-only actions, the
# admin, the other language.
_NOT_PAGES = re.compile(
    r"/download|/export\.|\.(?:pdf|csv|json|png|jpe?g|svg|xml|txt|ics)$|/logout/|/documents/"
    r"|^/admin/|/start/$|/enrol/$|/done/$|/more-time/$|/remind/$|/approve/$|/decline/$"
    r"|/remove/$|/due/$|/end/$|/share/$|/delete/$|/feed|/rss|/atom"
)


@dataclass
class Visit:
    """A page fetched by the crawl: who fetched it, its address, status and HTML."""

    role: str
    path: str
    status: int
    html: str
    label: str = ""


@dataclass
class Crawl:
    """The French pages each role reached, in the order they were fetched."""

    visits: list[Visit] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    seconds: float = 0.0

    def problems(self) -> list[str]:
        """One line per problem: role, page, rule and snippet (each problem of a page once,
        however many roles met it)."""
        lines, reported = [], set()
        for visit in self.visits:
            for problem in page_problems(visit.html):
                key = (visit.path, problem)
                if key in reported:
                    continue
                reported.add(key)
                label = f" ({visit.label})" if visit.label else ""
                lines.append(f"[{visit.role}] {visit.path}{label}: {problem}")
        return lines


def _key(url: str) -> str:
    """Pages that differ only by their query's values (a filter, a sort, a page number) are
    one page for the crawl."""
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return parts.path + ("?" + "&".join(names) if names else "")


def _followable(url: str, prefix: str) -> bool:
    parts = urlsplit(url)
    return (
        not parts.scheme
        and not parts.netloc
        and parts.path.startswith(prefix)
        and not _NOT_PAGES.search(parts.path)
    )


def crawl_from(
    crawl: Crawl,
    client,
    role: str,
    starts: list[str],
    *,
    language: str = "fr",
    limit: int = 400,
) -> None:
    """Fetch ``starts`` with ``client`` as ``role``, then every same-site page of
    ``language`` they link to, breadth first, up to ``limit`` pages for this role."""
    prefix = f"/{language}/"
    queue = deque(starts)
    fetched = 0
    while queue and fetched < limit:
        url = queue.popleft()
        key = (role, _key(url))
        if key in crawl.seen:
            continue
        crawl.seen.add(key)
        response = client.get(url)
        fetched += 1
        if response.status_code in (301, 302, 303, 307, 308):
            target = urljoin(url, response["Location"])
            if _followable(target, prefix):
                queue.appendleft(target)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        crawl.visits.append(Visit(role, url, response.status_code, html))
        for href in _HREF.findall(html):
            target = urljoin(url, href.replace("&amp;", "&"))
            if _followable(target, prefix):
                queue.append(target)


def record(crawl: Crawl, role: str, label: str, response, path: str) -> None:
    """Add a page fetched outside the crawl (a form sent back with its errors)."""
    assert response.get("Content-Type", "").startswith("text/html"), (label, response)
    crawl.visits.append(Visit(role, path, response.status_code, response.content.decode(), label))


# -- Every French page of the demo ---------------------------------------------------------

# The demo accounts (learning.demo) whose pages differ: a learner with progress and a
# certificate, an employer administrator, an SPO manager.
ROLES = {
    "learner": "learner@example.com",
    "employer admin": "admin@harbourview.example.com",
    "SPO manager": "manager@spo-halifax.example.com",
}
# A token of our own for the invitations the crawl opens (the demo's are only in emails).
INVITATION_TOKENS = {"employer": "french-crawl-employer-token", "staff": "french-crawl-staff"}


def _invitations_make() -> None:
    """An employer's and an employee's invitation, waiting to be accepted."""
    from learning.models import Invitation, Organization, User, token_digest
    from learning.services.organizations import employer_invite, staff_invite

    manager = User.objects.get(email=ROLES["SPO manager"])
    admin = User.objects.get(email=ROLES["employer admin"])
    invitations = {
        "employer": employer_invite(
            spo=Organization.objects.get(memberships__user=manager),
            invited_by=manager,
            email="owner@newco.example.com",
            employer_name="NewCo",
            language="fr",
        ),
        "staff": staff_invite(
            employer=Organization.objects.get(memberships__user=admin),
            invited_by=admin,
            email="nour@harbourview.example.com",
            first_name="Nour",
            language="fr",
        ),
    }
    for kind, invitation in invitations.items():
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=token_digest(INVITATION_TOKENS[kind])
        )


def _start_urls(html: str) -> list[str]:
    return re.findall(r'<form[^>]*action="([^"]*/start/)"', html)


def french_site_crawl(*, limit: int = 400) -> Crawl:
    """Every French page of the seeded demo, as a visitor and as each role of ``ROLES``, and
    the forms they fill sent back with their errors. Changes the database (attempts started,
    invitations, sign-in records): run it in a transaction that is rolled back."""
    from django.contrib.auth.tokens import default_token_generator
    from django.test import Client
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from wagtail.models import Page

    from certificates.demo import seed_certificates
    from courses.models import ModulePage, QuizPage
    from learning.demo import answers_for
    from learning.models import Organization, QuizAttempt, User

    crawl = Crawl()
    codes = dict(seed_certificates())  # the demo's certificates, issued already
    _invitations_make()
    learner = User.objects.get(email=ROLES["learner"])
    reset = (
        f"/fr/accounts/password/reset/{urlsafe_base64_encode(force_bytes(learner.pk))}/"
        f"{default_token_generator.make_token(learner)}/"
    )

    # Every live French page of the site, linked from somewhere or not.
    pages = [
        page.url for page in Page.objects.live().filter(locale__language_code="fr", depth__gt=1)
    ]
    visitor = Client()
    crawl_from(
        crawl,
        visitor,
        "visitor",
        [
            "/fr/",
            *pages,
            "/fr/accounts/login/",
            "/fr/accounts/password/reset/",
            "/fr/accounts/password/reset/sent/",
            "/fr/accounts/password/reset/complete/",
            "/fr/request-access/",
            "/fr/request-access/sent/",
            "/fr/verify/",
            "/fr/verify/guide/",
            "/fr/verify/?code=",
            "/fr/verify/?code=not-a-code",
            "/fr/verify/7K3M-Q9TD-2BXN-H4RC-V/",
            *(f"/fr/verify/{code}/" for code in codes.values()),
            *(f"/fr/invitations/{token}/" for token in INVITATION_TOKENS.values()),
            "/fr/invitations/not-a-real-token/",
            "/fr/a-page-that-does-not-exist/",
        ],
        limit=limit,
    )
    forms = [
        ("sign in with a wrong password", "/fr/accounts/login/",
         {"username": ROLES["learner"], "password": "not the password"}),
        ("password reset with an invalid address", "/fr/accounts/password/reset/",
         {"email": "not-an-address"}),
        ("access request with errors", "/fr/request-access/", {}),
        *((f"sign-up from the {kind} invitation with errors", f"/fr/invitations/{token}/", {})
          for kind, token in INVITATION_TOKENS.items()),
    ]  # fmt: skip
    for label, path, data in forms:
        record(crawl, "visitor", label, visitor.post(path, data), path)
    page = visitor.get(reset, follow=True)
    record(crawl, "visitor", "password reset: new password", page, reset)
    path = page.redirect_chain[-1][0] if page.redirect_chain else reset
    record(crawl, "visitor", "new password with errors", visitor.post(path, {}), path)

    clients = {}
    for role, email in ROLES.items():
        clients[role] = Client()
        clients[role].force_login(User.objects.get(email=email))
    starts = {
        "learner": ["/fr/my-learning/", "/fr/certificates/", "/fr/accounts/my-data/"],
        "employer admin": ["/fr/employer/", "/fr/my-learning/"],
        "SPO manager": ["/fr/spo/", "/fr/verify/manage/", "/fr/verify/bulk/"],
    }
    for role, client in clients.items():
        crawl_from(
            crawl,
            client,
            role,
            [*starts[role], "/fr/", "/fr/accounts/password/change/", "/fr/verify/"],
            limit=limit,
        )

    # The learner starts the final quiz of a module in progress, then sends it unanswered.
    learner_client = clients["learner"]
    english = ModulePage.objects.filter(locale__language_code="en").live().order_by("path")[1]
    quiz = QuizPage.objects.child_of(english).live().get().localized
    quiz_html = learner_client.get(quiz.url).content.decode()
    for start in _start_urls(quiz_html)[:1]:
        attempt = learner_client.post(start, {"statement": "confirmed"}, follow=True)
        path = attempt.redirect_chain[-1][0]
        record(crawl, "learner", "quiz attempt, unanswered", attempt, path)
        record(crawl, "learner", "quiz attempt with errors", learner_client.post(path, {}), path)
        attempt = QuizAttempt.objects.filter(enrolment__user=learner).latest("pk")
        results = learner_client.post(path, answers_for(attempt, correct=False), follow=True)
        path = results.redirect_chain[-1][0]
        record(crawl, "learner", "quiz results, not passed", results, path)
    path = "/fr/accounts/password/change/"
    record(crawl, "learner", "password change with errors", learner_client.post(path, {}), path)

    employer = Organization.objects.get(memberships__user__email=ROLES["employer admin"]).pk
    spo = Organization.objects.get(memberships__user__email=ROLES["SPO manager"]).pk
    forms = [
        ("employer admin", "invite staff with errors", f"/fr/employer/{employer}/invite/",
         {}),
        ("employer admin", "CSV upload with errors", f"/fr/employer/{employer}/invite/csv/",
         {}),
        ("employer admin", "assign modules with errors", f"/fr/employer/{employer}/assign/",
         {}),
        ("SPO manager", "invite an employer with errors", f"/fr/spo/{spo}/invite/", {}),
        ("SPO manager", "bulk verification with errors", "/fr/verify/bulk/", {}),
    ]  # fmt: skip
    for role, label, path, data in forms:
        record(crawl, role, label, clients[role].post(path, data), path)
    return crawl
