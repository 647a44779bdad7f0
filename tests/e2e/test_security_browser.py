"""Security in a real browser.

- The Content Security Policy: the public site (visitors, learners, SPO staff, employers) and
  the pages of the Wagtail admin an editor uses run without a single violation, and the policy
  blocks a script injected into a page.
- Cross-site scripting: a corpus of classic payloads saved into every rich-text field, every
  StreamField block, quiz questions and answers, organization and people's names never runs,
  on the public pages, the dashboards, the verification page or in the admin.
"""

import datetime
import re

import pytest
import wagtail_factories
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale

from certificates.models import Certificate
from cms.demo import seed_site
from cms.models import ContentPage, HomePage
from cms.services import locales_ensure
from courses.models import (
    LessonPage,
    ModuleIndexPage,
    ModulePage,
    ProgramModule,
    ProgramPage,
    Question,
    QuizPage,
)
from courses.services import revision_publish
from learning.demo import answers_for, seed_accounts
from learning.models import Organization, Partnership, User
from learning.services import attempt_start, attempt_submit, lesson_complete
from learning.services.organizations import (
    assignment_create,
    membership_add,
    organization_create,
)
from tests.e2e.steps import demo_database_seed
from tests.factories.courses import (
    MatchingQuestionFactory,
    MultipleChoiceQuestionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)
from tests.factories.learning import UserFactory
from tests.snapshots import seeded

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CSP_REFUSAL = re.compile(r"Content Security Policy")
PASSWORD = "a long enough password"  # tests.factories.learning.UserFactory's


class Violations(list):
    """What the browser refused under the Content Security Policy, in every frame of every
    window watched, as the console reports it."""

    def watch(self, page):
        page.context.on("console", self._console)
        return page

    def _console(self, message) -> None:
        if CSP_REFUSAL.search(message.text):
            self.append(f"{message.page.url if message.page else ''}: {message.text}")


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert "content-security-policy" in response.headers, url
    page.wait_for_load_state("networkidle")


def sign_in(windows, violations, *, email: str, password: str = PASSWORD):
    page = violations.watch(windows.open())
    page.goto("/en/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main input[name=password]")).to_have_count(0)
    return page


def admin_sign_in(windows, violations, *, email: str, password: str):
    page = violations.watch(windows.open())
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return page


# -- The policy -----------------------------------------------------------------------------


def demo_seed() -> dict:
    """The bilingual demo (site, catalogue, organizations, certificates): its accounts by role
    (email, password) and a certificate code per state."""
    accounts, certificates = seeded(demo_database_seed)
    return {
        "accounts": {role: (email, password) for role, email, password in accounts},
        "certificates": dict(certificates),
    }


def test_site_and_admin_run_without_policy_violations(windows):
    demo = demo_seed()
    accounts = demo["accounts"]
    violations = Violations()
    module = ModulePage.objects.live().filter(locale__language_code="en").first()
    lesson = LessonPage.objects.child_of(module).live().first()
    quiz = QuizPage.objects.child_of(module).live().get()
    french = Locale.objects.get(language_code="fr")

    # Visitors, in both languages.
    visitor = violations.watch(windows.open())
    for url in [
        "/en/",
        "/fr/",
        ModuleIndexPage.objects.get(locale__language_code="en").url,
        ModuleIndexPage.objects.get(locale=french).url,
        module.url,
        lesson.get_translation(french).url,
        quiz.url,
        ProgramPage.objects.live().filter(locale__language_code="en").first().url,
        "/en/verify/",
        f"/en/verify/{demo['certificates']['valid']}/",
        f"/fr/verify/{demo['certificates']['revoked']}/",
        "/en/accounts/login/",
        "/fr/accounts/password/reset/",
    ]:
        visit(visitor, url)

    # A learner reads a lesson (its progress script runs) and takes the quiz.
    learner = sign_in(
        windows, violations, email=accounts["learner"][0], password=accounts["learner"][1]
    )
    in_progress = ModulePage.objects.live().filter(locale__language_code="en")[1]
    for url in ["/en/my-learning/", LessonPage.objects.child_of(in_progress).live().last().url]:
        visit(learner, url)
    visit(learner, QuizPage.objects.child_of(in_progress).live().get().url)
    statement = learner.locator('main input[name="statement"]')
    if statement.count():
        statement.first.check()  # the learner's statement, asked before a certification attempt
    learner.locator("main form button[type=submit]").first.click()
    expect(learner).to_have_url(re.compile(r"/my-learning/attempts/\d+/$"))
    learner.wait_for_load_state("networkidle")
    for url in ["/en/certificates/", "/en/accounts/my-data/"]:
        visit(learner, url)

    # An SPO's staff and an employer's administrator on their dashboards.
    staff = sign_in(
        windows, violations, email=accounts["spo_staff"][0], password=accounts["spo_staff"][1]
    )
    spo = Organization.objects.get(legal_name="Halifax Newcomer Services Association")
    for url in [f"/en/spo/{spo.pk}/", "/en/verify/bulk/"]:
        visit(staff, url)
    employer_admin = sign_in(
        windows,
        violations,
        email=accounts["employer_admin"][0],
        password=accounts["employer_admin"][1],
    )
    employer = Organization.objects.get(legal_name="Harbourview Fabrication Ltd.")
    visit(employer_admin, f"/en/employer/{employer.pk}/")

    # An editor in the admin: dashboard, explorer, page editors (the translation editor too),
    # snippets, images, and the live preview beside the editor.
    editor = admin_sign_in(
        windows, violations, email=accounts["editor"][0], password=accounts["editor"][1]
    )
    finder = AdminURLFinder(User.objects.get(email=accounts["editor"][0]))
    for url in [
        "/admin/",
        f"/admin/pages/{module.pk}/",
        finder.get_edit_url(module),
        finder.get_edit_url(quiz),
        finder.get_edit_url(lesson.get_translation(french)),
        "/admin/snippets/",
        finder.get_edit_url(Question.objects.filter(quiz=quiz).first()),
        "/admin/images/",
        finder.get_edit_url(lesson),
    ]:
        visit(editor, url)
    editor.get_by_role("button", name="Toggle preview").click()
    preview = editor.frame_locator("iframe[title]").first.locator("main h1")
    expect(preview).to_have_text(lesson.title)

    assert violations == [], "\n".join(violations)
    assert windows.problems == []

    # The policy holds: a script added to a page does not run, and the browser says so.
    visit(visitor, "/en/")
    visitor.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__xss = 'inline script'";
        document.body.append(script);
        const image = document.createElement("img");
        image.setAttribute("onerror", "window.__xss = 'event handler'");
        image.src = "/missing.png";
        document.body.append(image);
    }"""
    )
    visitor.wait_for_timeout(500)
    assert visitor.evaluate("() => window.__xss") is None
    assert len(violations) == 2, violations


# -- Cross-site scripting -------------------------------------------------------------------

# Each payload would set window.__xss (or open a dialog) if it ran. Every one fits in 150
# characters, the shortest field it goes into.
PAYLOADS = [
    '<script>window.__xss="{m} script"</script>',
    "<img src=x onerror=\"window.__xss='{m} img'\">",
    "<svg onload=\"window.__xss='{m} svg'\"></svg>",
    '"><script>window.__xss="{m} attribute breakout"</script>',
    "'><img src=x onerror=window.__xss='{m}-quote'>",
    "<a href=\"javascript:window.__xss='{m} href'\">{m} link</a>",
    "<iframe srcdoc=\"<script>parent.__xss='{m} srcdoc'</script>\"></iframe>",
    "<details open ontoggle=\"window.__xss='{m} toggle'\">{m}</details>",
    "<input autofocus onfocus=\"window.__xss='{m} focus'\">",
    '</textarea></title></style><script>window.__xss="{m} close"</script>',
    "<body onload=\"window.__xss='{m} body'\">",
    "<object data=\"javascript:window.__xss='{m} object'\"></object>",
    "<meta http-equiv=refresh content=\"0;url=javascript:window.__xss='{m} meta'\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss='{m} mxss'\">",
    "<img src=x onerror=alert('{m}')>",
    "{{{{ request }}}}{{% debug %}}<b onmouseover=\"window.__xss='{m} hover'\">{m}</b>",
]
PLAIN, RICH, ADDRESS = "xssplain", "xssrich", "xssurl"


def payload(marker: str, n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)].format(m=marker)


def corpus(marker: str) -> str:
    return " ".join(payload(marker, n) for n in range(len(PAYLOADS)))


def well_formed(html: str) -> str:
    """``html`` as Wagtail's rich text converter (the admin's editor) can read it: void
    elements closed, no stray end tags. Rich text made in the admin is always so."""
    html = re.sub(r"<(img|input|meta)\b([^>]*?)>", r"<\1\2 />", html)
    html = html.replace("</textarea></title></style>", "")
    return re.sub(r"(<body\b[^>]*>)", r"\1</body>", html)


def rich() -> str:
    return f"<p>{well_formed(corpus(RICH))}</p>"


class Plain:
    """The payloads one after the other, for fields of plain text."""

    def __init__(self):
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return payload(PLAIN, self.n)


def base_blocks(text: Plain, *, image, document) -> list:
    """One of each block of ``cms.blocks.BaseStreamBlock``, every field a payload."""
    return [
        ("heading", {"text": text(), "level": "h2"}),
        ("paragraph", rich()),
        ("image", {"image": image, "alt_text": text(), "caption": text()}),
        ("callout", {"kind": "tip", "title": text(), "body": rich()}),
        ("quote", {"text": corpus(PLAIN), "attribution": text(), "source": text()}),
        (
            "video",
            {
                "title": text(),
                "video": f"javascript:window.__xss='{ADDRESS}'",
                "transcript": rich(),
            },
        ),
        ("document", {"document": document, "title": text(), "description": corpus(PLAIN)}),
        (
            "accordion",
            {"title": text(), "items": [{"question": text(), "answer": rich()}]},
        ),
    ]


def lesson_blocks(text: Plain, **files) -> list:
    """Every block of ``courses.blocks.LessonStreamBlock``."""
    return [
        *base_blocks(text, **files),
        (
            "scenario",
            {
                "title": text(),
                "situation": rich(),
                "question": corpus(PLAIN),
                "expert_answer": rich(),
            },
        ),
        ("checklist", {"title": text(), "intro": corpus(PLAIN), "items": [text(), text()]}),
        ("key_takeaways", {"title": text(), "items": [text(), text()]}),
        (
            "knowledge_check",
            {
                "question": corpus(PLAIN),
                "choices": [
                    {"text": text(), "correct": True, "feedback": corpus(PLAIN)},
                    {"text": text(), "correct": False, "feedback": text()},
                ],
            },
        ),
    ]


def xss_seed() -> dict:
    """The site with the corpus in every page type, block, question type, organization and
    person's name: what each role looks at."""
    seed_accounts()
    seed_site()
    english = locales_ensure()["en"]
    text = Plain()
    files = {
        "image": wagtail_factories.ImageFactory(title=text()),
        "document": wagtail_factories.DocumentFactory(title=text()),
    }
    home = HomePage.objects.get(locale=english)
    home.intro = corpus(PLAIN)
    home.body = base_blocks(text, **files)
    revision_publish(home)
    content = home.add_child(
        instance=ContentPage(
            locale=english,
            title=text(),
            slug="corpus",
            seo_title=text(),
            search_description=corpus(PLAIN),
            intro=corpus(PLAIN),
            body=base_blocks(text, **files),
        )
    )
    revision_publish(content)
    index = home.add_child(
        instance=ModuleIndexPage(locale=english, title=text(), slug="modules", intro=rich())
    )
    revision_publish(index)
    module = index.add_child(
        instance=ModulePage(
            locale=english,
            title=text(),
            slug="module",
            summary=corpus(PLAIN),
            learning_objectives=[("objective", text()), ("objective", text())],
            audience=corpus(PLAIN),
            estimated_minutes=10,
            content_last_reviewed=datetime.date(2026, 11, 1),
            cover_image=files["image"],
        )
    )
    revision_publish(module)
    lesson = module.add_child(
        instance=LessonPage(
            locale=english,
            title=text(),
            slug="lesson",
            summary=corpus(PLAIN),
            body=lesson_blocks(text, **files),
        )
    )
    revision_publish(lesson)
    quiz = module.add_child(
        instance=QuizPage(
            locale=english,
            title=text(),
            slug="quiz",
            intro=corpus(PLAIN),
            shuffle_questions=False,
            shuffle_choices=False,
        )
    )
    revision_publish(quiz)
    common = {"quiz": quiz, "explanation": corpus(PLAIN)}
    SingleChoiceQuestionFactory(
        prompt=corpus(PLAIN), choices=[(text(), True), (text(), False)], **common
    )
    MultipleChoiceQuestionFactory(
        prompt=text(), choices=[(text(), True), (text(), False)], **common
    )
    TrueFalseQuestionFactory(
        prompt=corpus(PLAIN), feedback_true=corpus(PLAIN), feedback_false=text(), **common
    )
    OrderingQuestionFactory(prompt=text(), items=[text(), text(), text()], **common)
    MatchingQuestionFactory(prompt=text(), pairs=[(text(), text()), (text(), text())], **common)
    program = index.add_child(
        instance=ProgramPage(
            locale=english,
            title=text(),
            slug="program",
            summary=corpus(PLAIN),
            body=rich(),
            program_modules=[ProgramModule(module=module, sort_order=0)],
        )
    )
    revision_publish(program)

    def organization(kind):
        return organization_create(
            kind=kind,
            legal_name=text(),
            operating_name=text(),
            province="NS",
            community=text()[:120],
        )

    spo, employer = organization("spo"), organization("employer")
    Partnership.objects.create(
        spo=spo, employer=employer, status=Partnership.Status.ACTIVE, activated_at=timezone.now()
    )
    people = {}
    for role, organization_ in [
        ("spo_manager", spo),
        ("employer_admin", employer),
        ("employer_learner", employer),
    ]:
        people[role] = UserFactory(first_name=text(), last_name=text())
        membership_add(user=people[role], organization=organization_, role=role)
    assignment_create(
        assigned_by=people["spo_manager"],
        by_organization=spo,
        employer=employer,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        modules=[module],
    )
    lesson_complete(user=people["employer_learner"], lesson=lesson)
    return {
        "pages": [home, content, index, module, lesson, quiz, program],
        "quiz": quiz,
        "spo": spo,
        "employer": employer,
        "people": people,
    }


FIND_LIVE_PAYLOADS = """marker => {
    const found = [];
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
            const dangerous = attribute.name.startsWith("on")
                || ["href", "src", "srcdoc", "data", "action", "formaction"]
                    .includes(attribute.name)
                || (element.tagName === "META" && attribute.name === "content"
                    && element.hasAttribute("http-equiv"));
            if (dangerous && attribute.value.includes(marker)) {
                found.push(`${element.tagName} ${attribute.name}`);
            }
        }
        const runs = !element.type || /javascript|module/i.test(element.type);
        if (element.tagName === "SCRIPT" && runs && element.textContent.includes(marker)) {
            found.push("SCRIPT");
        }
    }
    return found;
}"""

PROVOKE = """() => {
    // Follow the corpus's javascript: links and fire the events of its inline handlers.
    for (const link of document.querySelectorAll("a[href^='javascript:' i]")) {
        if (link.href.includes("xss")) link.click();
    }
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of [...element.attributes]) {
            if (attribute.name.startsWith("on") && attribute.value.includes("xss")) {
                element.dispatchEvent(new Event(attribute.name.slice(2)));
            }
        }
    }
}"""


# Every document (frames included) reports each assignment to window.__xss at once, so a
# payload that runs is seen even if what it did replaced the document afterwards.
REPORT_ASSIGNMENTS = """(() => {
    let value;
    Object.defineProperty(window, "__xss", {
        get() { return value; },
        set(assigned) { value = assigned; window.__reportXss(String(assigned)); },
    });
})();"""


class Audit:
    """Visits pages in one window and checks that nothing of the corpus ran: no dialog, no
    assignment to window.__xss in any frame, and no payload from a plain-text field present as
    markup. Rich text keeps its markup (Wagtail outputs the HTML it stores); there the policy
    stops it."""

    def __init__(self, page):
        self.page = page
        self.ran: list[str] = []
        page.on("dialog", self._dialog)
        page.expose_binding("__reportXss", self._ran)
        page.add_init_script(REPORT_ASSIGNMENTS)

    def _dialog(self, dialog) -> None:
        self.ran.append(f"{self.page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def _ran(self, source, value) -> None:
        self.ran.append(f"{source['frame'].url}: window.__xss = {value}")

    def __call__(self, url: str | None = None) -> None:
        if url is not None:
            visit(self.page, url)
        page = self.page
        assert PLAIN in page.content(), f"{page.url} shows nothing of the corpus"
        assert page.evaluate(FIND_LIVE_PAYLOADS, PLAIN) == [], page.url
        page.evaluate(PROVOKE)
        page.wait_for_timeout(200)
        assert self.ran == []


def test_xss_corpus_never_runs(windows):
    site = xss_seed()
    violations = Violations()
    people = site["people"]

    visitor = Audit(violations.watch(windows.open()))
    for page in site["pages"]:
        visitor(page.url)

    learner = Audit(sign_in(windows, violations, email=people["employer_learner"].email))
    for url in ["/en/my-learning/", site["pages"][4].url, site["quiz"].url]:
        learner(url)
    learner.page.locator("main form button[type=submit]").first.click()
    expect(learner.page).to_have_url(re.compile(r"/my-learning/attempts/\d+/$"))
    learner()
    attempt = attempt_start(
        statement_confirmed=True, user=people["employer_learner"], quiz=site["quiz"], language="en"
    )
    attempt_submit(
        user=people["employer_learner"], attempt_id=attempt.pk, data=answers_for(attempt)
    )
    certificate = Certificate.objects.get(holder=people["employer_learner"], kind="module")
    for url in [
        f"/en/my-learning/attempts/{attempt.pk}/results/",
        "/en/certificates/",
    ]:
        learner(url)
    for url in [f"/en/verify/{certificate.code}/", f"/fr/verify/{certificate.code}/"]:
        visitor(url)

    employer_admin = Audit(sign_in(windows, violations, email=people["employer_admin"].email))
    employer_admin(f"/en/employer/{site['employer'].pk}/")
    spo_manager = Audit(sign_in(windows, violations, email=people["spo_manager"].email))
    spo_manager(f"/en/spo/{site['spo'].pk}/")
    visit(spo_manager.page, "/en/verify/bulk/")
    spo_manager.page.locator("textarea[name=codes]").fill(certificate.code)
    spo_manager.page.locator("main form button[type=submit]").first.click()
    expect(spo_manager.page.locator("main table")).to_be_visible()
    spo_manager()

    # The admin runs inline scripts: what editors typed must never become one.
    superuser = User.objects.get(email="admin@example.com")
    admin = Audit(
        admin_sign_in(
            windows, violations, email=superuser.email, password="demo-admin-2026-welcome"
        )
    )
    finder = AdminURLFinder(superuser)
    for url in [
        f"/admin/pages/{site['pages'][3].pk}/",
        *(finder.get_edit_url(page) for page in site["pages"]),
        *(finder.get_edit_url(q) for q in Question.objects.filter(quiz=site["quiz"])),
        "/admin/snippets/courses/singlechoicequestion/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/evaluation/",
        "/admin/courses/translations/",
        "/admin/users/",
    ]:
        admin(url)

    assert windows.problems == []
