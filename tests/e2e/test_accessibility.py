"""WCAG 2.1 AA across the journeys, in English and in French.

The crawl visits every page each role meets in the journeys (visitors, a learner, an employer
administrator, SPO staff and managers, an editor in the Wagtail admin), in every state the
journeys show (forms with their errors, quiz questions unanswered and with errors, results
failed and passed, certificates valid, revoked, expired and unknown), and a lesson with one
block of each type. On each page axe-core checks the WCAG 2.0, 2.1 and 2.2 A and AA rules, and
the page must not scroll sideways at 320 px nor at 200% zoom. A learner also completes a module
and its quiz with the keyboard alone.
"""

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image as PILImage
from playwright.sync_api import Page, expect
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from certificates.models import Certificate
from certificates.services import certificate_issue
from cms.demo import seed_site
from cms.models import ContentPage, HomePage
from cms.services import stream_data, translation_import
from courses.demo import load
from courses.models import (
    LessonPage,
    ModuleIndexPage,
    ModulePage,
    ProgramPage,
    Question,
    QuizPage,
)
from courses.services import module_import, revision_publish
from learning.demo import answers_for
from learning.models import Enrolment, Organization, QuizAttempt, User
from learning.services import attempt_items, attempt_start, attempt_submit, lesson_complete
from learning.services.organizations import employer_invite, staff_invite
from learning.services.reminders import unsubscribe_token
from tests.e2e.accessibility import (
    axe_preload,
    axe_violations,
    reflow_problems,
    violations_report,
)
from tests.e2e.steps import demo_database_seed
from tests.snapshots import seeded

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOCALES = {"en": "en-CA", "fr": "fr-CA"}
VIDEO_URL = "https://www.youtube.com/watch?v=wlcmwrkplc0"
INVITATION_LINK = re.compile(r"/(en|fr)/invitations/([^/\s]+)/")

# The lesson with one block of each type (cms/blocks.py and courses/blocks.py), in English and
# French. Images and documents are the same files in both languages.
LESSON_TEXT = {
    "en": {
        "title": "Every kind of content",
        "slug": "every-kind-of-content",
        "summary": "A lesson that shows one block of each type.",
        "heading": "Welcoming a new colleague",
        "subheading": "On the first day",
        "paragraph": '<p>Newcomers stay where they feel <b>welcome</b>. See the <a href="/en/">'
        "home page</a>.</p><ul><li>Name a buddy</li><li>Plan the week</li></ul>",
        "alt": "Two colleagues talking in a workshop",
        "caption": "A buddy answers everyday questions.",
        "callout_title": "Tip",
        "callout": "<p>Pair every new hire with a buddy for the first month.</p>",
        "warning_title": "Careful",
        "warning": "<p>Never single out a newcomer in a meeting.</p>",
        "fact_title": "Did you know?",
        "fact": "<p>Most newcomers to small centres arrive with their families.</p>",
        "quote": "Small centres, big impact.",
        "attribution": "National Small Centres Conference",
        "source": "Recommendations brief, 2023",
        "video_title": "A welcome on the first day",
        "transcript": "<p>Narrator: the supervisor introduces the new hire to the team.</p>",
        "document_title": "Sample onboarding plan",
        "document_description": "A two-week plan you can adapt.",
        "accordion_title": "Common questions",
        "question": "Do I need to change my whole hiring process?",
        "answer": "<p>No. Start with one structured interview guide.</p>",
        "scenario_title": "The quiet new hire",
        "situation": "<p>A new welder never asks questions in team meetings.</p>",
        "reflection": "What could you try before the next meeting?",
        "expert": "<p>Ask for questions one-on-one, and in writing.</p>",
        "checklist_title": "Before the first day",
        "checklist_intro": "Tick each item as you go.",
        "checklist": ["Name a buddy", "Write down the first week's schedule"],
        "takeaways_title": "Key takeaways",
        "takeaways": ["Intercultural competence is learned.", "Start with your own habits."],
        "kc_question": "Who shares the work of welcoming newcomers?",
        "kc_right": "The whole team",
        "kc_right_feedback": "Right: welcoming is everyone's work.",
        "kc_wrong": "The newcomer alone",
        "kc_wrong_feedback": "Adapting goes both ways.",
    },
    "fr": {
        "title": "Tous les types de contenu",
        "slug": "tous-les-types-de-contenu",
        "summary": "Une leçon qui montre un bloc de chaque type.",
        "heading": "Accueillir une nouvelle collègue",
        "subheading": "Le premier jour",
        "paragraph": "<p>Les nouveaux arrivants restent là où ils se sentent <b>bienvenus</b>. "
        'Voyez la <a href="/fr/">page d\'accueil</a>.</p><ul><li>Nommer un parrain</li>'
        "<li>Planifier la semaine</li></ul>",
        "alt": "Deux collègues qui discutent dans un atelier",
        "caption": "Un parrain répond aux questions de tous les jours.",
        "callout_title": "Conseil",
        "callout": "<p>Jumelez chaque nouvelle recrue à un parrain pendant le premier mois.</p>",
        "warning_title": "Attention",
        "warning": "<p>Ne mettez jamais une nouvelle recrue à l'écart en réunion.</p>",
        "fact_title": "Le saviez-vous?",
        "fact": "<p>La plupart des nouveaux arrivants en petit centre viennent en famille.</p>",
        "quote": "Petits centres, grand impact.",
        "attribution": "Conférence nationale des petits centres",
        "source": "Mémoire de recommandations, 2023",
        "video_title": "Un accueil le premier jour",
        "transcript": "<p>Narrateur : la superviseure présente la recrue à l'équipe.</p>",
        "document_title": "Exemple de plan d'intégration",
        "document_description": "Un plan de deux semaines à adapter.",
        "accordion_title": "Questions fréquentes",
        "question": "Dois-je changer tout mon processus d'embauche?",
        "answer": "<p>Non. Commencez par un guide d'entrevue structurée.</p>",
        "scenario_title": "La nouvelle recrue discrète",
        "situation": "<p>Un nouveau soudeur ne pose jamais de questions en réunion.</p>",
        "reflection": "Que pourriez-vous essayer avant la prochaine réunion?",
        "expert": "<p>Proposez de poser les questions en tête-à-tête, et par écrit.</p>",
        "checklist_title": "Avant le premier jour",
        "checklist_intro": "Cochez chaque élément au fur et à mesure.",
        "checklist": ["Nommer un parrain", "Écrire l'horaire de la première semaine"],
        "takeaways_title": "À retenir",
        "takeaways": ["La compétence interculturelle s'apprend.", "Commencez par vos habitudes."],
        "kc_question": "Qui partage le travail d'accueil des nouveaux arrivants?",
        "kc_right": "Toute l'équipe",
        "kc_right_feedback": "Exact : l'accueil est l'affaire de tous.",
        "kc_wrong": "La nouvelle recrue seule",
        "kc_wrong_feedback": "L'adaptation se fait dans les deux sens.",
    },
}


# -- Setup (ORM) ----------------------------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), (11, 79, 108)).save(buffer, format="PNG")
    return buffer.getvalue()


def lesson_blocks(text: dict, *, image_id: int, document_id: int) -> list[dict]:
    """One block of each type of ``LessonStreamBlock`` (callouts of each kind)."""
    return [
        {"type": "heading", "value": {"text": text["heading"], "level": "h2"}},
        {"type": "paragraph", "value": text["paragraph"]},
        {"type": "heading", "value": {"text": text["subheading"], "level": "h3"}},
        {
            "type": "image",
            "value": {"image": image_id, "alt_text": text["alt"], "caption": text["caption"]},
        },
        *(
            {
                "type": "callout",
                "value": {"kind": kind, "title": text[f"{name}_title"], "body": text[name]},
            }
            for kind, name in (("tip", "callout"), ("warning", "warning"), ("key_fact", "fact"))
        ),
        {
            "type": "quote",
            "value": {
                "text": text["quote"],
                "attribution": text["attribution"],
                "source": text["source"],
            },
        },
        {
            "type": "video",
            "value": {
                "title": text["video_title"],
                "video": VIDEO_URL,
                "transcript": text["transcript"],
            },
        },
        {
            "type": "document",
            "value": {
                "document": document_id,
                "title": text["document_title"],
                "description": text["document_description"],
            },
        },
        {
            "type": "accordion",
            "value": {
                "title": text["accordion_title"],
                "items": [{"question": text["question"], "answer": text["answer"]}],
            },
        },
        {
            "type": "scenario",
            "value": {
                "title": text["scenario_title"],
                "situation": text["situation"],
                "question": text["reflection"],
                "expert_answer": text["expert"],
            },
        },
        {
            "type": "checklist",
            "value": {
                "title": text["checklist_title"],
                "intro": text["checklist_intro"],
                "items": text["checklist"],
            },
        },
        {
            "type": "key_takeaways",
            "value": {"title": text["takeaways_title"], "items": text["takeaways"]},
        },
        {
            "type": "knowledge_check",
            "value": {
                "question": text["kc_question"],
                "choices": [
                    {
                        "text": text["kc_right"],
                        "correct": True,
                        "feedback": text["kc_right_feedback"],
                    },
                    {
                        "text": text["kc_wrong"],
                        "correct": False,
                        "feedback": text["kc_wrong_feedback"],
                    },
                ],
            },
        },
    ]


def every_block_lesson_seed(module: ModulePage) -> LessonPage:
    """A lesson of ``module`` with one block of each type, published and translated into
    French. The video's player is in Wagtail's embed cache, as after an editor added it."""
    image = get_image_model()(
        title="Workshop", file=ImageFile(io.BytesIO(png_bytes()), name="workshop.png")
    )
    image.save()
    document = get_document_model()(title="Onboarding plan")
    document.file.save("onboarding-plan.txt", ContentFile(b"Week 1: welcome.\n"), save=False)
    document.save()
    Embed.objects.create(
        url=VIDEO_URL,
        hash=get_embed_hash(VIDEO_URL),
        type="video",
        html='<iframe width="640" height="360" src="https://www.youtube-nocookie.com/embed/'
        'wlcmwrkplc0" allowfullscreen></iframe>',
        provider_name="YouTube",
        width=640,
        height=360,
    )

    def fields(language: str) -> dict:
        text = LESSON_TEXT[language]
        return {
            "title": text["title"],
            "slug": text["slug"],
            "summary": text["summary"],
            "estimated_minutes": 5,
            "body": stream_data(
                lesson_blocks(text, image_id=image.pk, document_id=document.pk),
                key="a11y/every-block",
            ),
        }

    lesson = module.add_child(instance=LessonPage(locale_id=module.locale_id, **fields("en")))
    revision_publish(lesson)
    translation_import(
        source=lesson,
        translated=LessonPage(**fields("fr")),
        locale=Locale.objects.get(language_code="fr"),
    )
    return lesson


@dataclass
class State:
    """What one language's crawl visits: accounts by role, certificate codes by state, pages,
    record ids and invitation tokens."""

    language: str
    accounts: dict[str, str]
    certificates: dict[str, str]
    pages: dict[str, object] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    invitations: dict[str, str] = field(default_factory=dict)


def module_complete(user: User, module: ModulePage) -> Certificate:
    """``user`` finishes every lesson of ``module`` and passes its quiz; returns the
    certificate."""
    for lesson in LessonPage.objects.child_of(module).live():
        lesson_complete(user=user, lesson=lesson)
    attempt = attempt_start(
        statement_confirmed=True,
        user=user,
        quiz=QuizPage.objects.child_of(module).get(),
        language="en",
    )
    attempt_submit(user=user, attempt_id=attempt.pk, data=answers_for(attempt))
    enrolment = Enrolment.objects.get(user=user, module=module)
    return certificate_issue(enrolment_id=enrolment.pk)


def demo_seed(mailoutbox) -> dict[str, State]:
    """The demo (as ``seed_demo`` makes it) and, for each language, what its crawl changes or
    uses up: a failed quiz attempt, a certificate to revoke, and an employer's and an
    employee's invitation waiting to be accepted. Also a lesson with every block type."""
    accounts, certificates = seeded(demo_database_seed)
    certificates = dict(certificates)
    emails = {role: email for role, email, _password in accounts}

    modules = list(ModulePage.objects.filter(locale__language_code="en").order_by("path"))
    lesson = every_block_lesson_seed(modules[1])
    # The module shows a cover image (decorative) in both languages.
    for module in (modules[1], modules[1].get_translation(Locale.objects.get(language_code="fr"))):
        module.cover_image = get_image_model().objects.get(title="Workshop")
        revision_publish(module)
    quiz = QuizPage.objects.child_of(modules[1]).get()
    learner = User.objects.get(email=emails["learner"])
    manager = User.objects.get(email=emails["spo_manager"])
    spo = Organization.objects.get(memberships__user=manager)
    harbourview = Organization.objects.get(legal_name="Harbourview Fabrication Ltd.")
    admin = User.objects.get(email=emails["employer_admin"])
    priya = User.objects.get(email="priya.nair@harbourview.example.com")
    unsubscribing = {
        "en": priya,
        "fr": User.objects.get(email="aisha.bello@harbourview.example.com"),
    }
    # The SPO manages the certificates of its partner employers' people: Joséphine's, and
    # Priya's once she completes the first module.
    revocable = {
        "en": Certificate.objects.get(
            holder__email="josephine.cormier@boulangerie.example.com",
            kind=Certificate.Kind.MODULE,
        ).code,
        "fr": module_complete(priya, modules[0]).code,
    }
    home = HomePage.objects.get(locale__language_code="en")
    sources = {
        "home": home,
        "about": ContentPage.objects.child_of(home).get(),
        "catalogue": ModuleIndexPage.objects.get(locale__language_code="en"),
        "program": ProgramPage.objects.get(locale__language_code="en"),
        "module": modules[1],
        "lesson": lesson,
        "quiz": quiz,
        "completed_module": modules[0],
    }

    states = {}
    for language, _name in settings.LANGUAGES:
        locale = Locale.objects.get(language_code=language)
        state = State(
            language=language,
            accounts=emails,
            certificates={**certificates, "to_revoke": revocable[language]},
        )
        state.pages = {
            name: page.get_translation(locale).specific for name, page in sources.items()
        }
        failed = attempt_start(statement_confirmed=True, user=learner, quiz=quiz, language=language)
        attempt_submit(user=learner, attempt_id=failed.pk, data=answers_for(failed, correct=False))
        failed.refresh_from_db()
        assert failed.passed is False
        state.ids = {
            "failed": failed.pk,
            "passed": QuizAttempt.objects.get(enrolment__user=learner, passed=True).pk,
            "completed_enrolment": Enrolment.objects.get(user=learner, module=modules[0]).pk,
            "spo": spo.pk,
            "employer": harbourview.pk,
            # Priya: quiz attempts, an overdue module, a certificate in the French crawl.
            "partner_learner": priya.pk,
        }
        # Each language's crawl turns reminders off for a person of its own.
        state.invitations["unsubscribe"] = unsubscribe_token(user=unsubscribing[language])
        employer_invite(
            spo=spo,
            invited_by=manager,
            email=f"owner-{language}@newco.example.com",
            employer_name="NewCo",
            language=language,
        )
        state.invitations["employer"] = INVITATION_LINK.search(mailoutbox[-1].body).group(2)
        staff_invite(
            employer=harbourview,
            invited_by=admin,
            first_name="Nour",
            language=language,
            email=f"nour-{language}@harbourview.example.com",
        )
        state.invitations["staff"] = INVITATION_LINK.search(mailoutbox[-1].body).group(2)
        states[language] = state
    return states


def admin_language_set(email: str, language: str) -> None:
    profile = UserProfile.get_for_user(User.objects.get(email=email))
    profile.preferred_language = language
    profile.save()


# -- The crawl ------------------------------------------------------------------------------


def signed_in_window(windows, live_server, *, email: str, language: str) -> Page:
    """A window with its own cookies, signed in as ``email`` (the sign-in form itself is
    checked as a visitor)."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    page = windows.open(locale=LOCALES[language])
    axe_preload(page.context)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


class Audit:
    """Checks pages and collects every problem, so that one run reports them all."""

    def __init__(self, language: str):
        self.language = language
        self.problems: list[str] = []
        self.checked: list[str] = []

    def visit(self, page: Page, path: str, label: str, *, status: int = 200, **options) -> None:
        response = page.goto(path)
        assert response.status == status, f"{label}: {path} answered {response.status}"
        self.check(page, label, **options)

    def check(self, page: Page, label: str, *, reflow: bool = True, include=None, exclude=()):
        """axe-core on the page as it is (within ``include``, without ``exclude``), then the
        reflow widths."""
        name = f"[{self.language}] {label} ({urlsplit(page.url).path})"
        self.checked.append(name)
        violations = axe_violations(page, include=include, exclude=exclude)
        self.problems += violations_report(violations, name)
        if reflow:
            self.problems += reflow_problems(page, name)


def submit(page: Page, form: str = "main form") -> None:
    """Submit ``form`` (a selector) with its first submit button and wait for the answer."""
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()


def submit_invalid(page: Page, form: str = "main form") -> None:
    """Submit ``form`` as it is, expecting the page to come back with its errors announced."""
    submit(page, form)
    expect(page.locator("main [role=alert]").first).to_be_visible()


def crawl_visitor(audit: Audit, page: Page, state: State) -> None:
    lang, pages = state.language, state.pages
    for name in ("home", "about", "catalogue", "program", "module", "quiz"):
        audit.visit(page, pages[name].get_url(), f"visitor: {name}")
    # The lesson with every block type, its answers, transcripts and expert answers opened
    # (axe skips what is hidden) and a knowledge check answered.
    page.goto(pages["lesson"].get_url())
    for summary in page.locator("main details > summary").all():
        summary.click()
    page.locator(".knowledge-check input[type=radio]").first.check()
    audit.check(page, "visitor: lesson with every block, opened")

    audit.visit(page, f"/{lang}/accounts/login/", "sign in")
    page.locator("main input[name=username]").fill(state.accounts["learner"])
    page.locator("main input[name=password]").fill("not the password")
    submit_invalid(page)
    audit.check(page, "sign in with an error")
    audit.visit(page, f"/{lang}/accounts/password/reset/", "password reset")
    page.locator("main input[name=email]").fill(state.accounts["learner"])
    submit(page)
    audit.check(page, "password reset sent")
    # A fresh link: signing in (the learner's crawl) invalidates earlier ones.
    learner = User.objects.get(email=state.accounts["learner"])
    token = default_token_generator.make_token(learner)
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    page.goto(f"/{lang}/accounts/password/reset/{uid}/{token}/")
    expect(page.locator("main input[name=new_password1]")).to_be_visible()
    audit.check(page, "password reset: new password")
    submit_invalid(page)
    audit.check(page, "password reset: new password with errors")

    audit.visit(page, f"/{lang}/verify/", "verification form")
    page.goto(f"/{lang}/verify/?code=")
    expect(page.locator("main [role=alert]").first).to_be_visible()
    audit.check(page, "verification form with an error")
    for status in ("valid", "revoked", "expired"):
        code = state.certificates[status]
        audit.visit(page, f"/{lang}/verify/{code}/", f"verification: {status} (code)")
    # The QR code opens the verification address of the canonical code.
    audit.visit(
        page,
        f"/{lang}/verify/{state.certificates['valid'].replace('-', '')}/",
        "verification: valid (QR address)",
    )
    audit.visit(
        page, f"/{lang}/verify/7K3M-Q9TD-2BXN-H4RC-V/", "verification: not found", status=404
    )

    for kind in ("employer", "staff"):
        audit.visit(
            page,
            f"/{lang}/invitations/{state.invitations[kind]}/",
            f"sign-up from the {kind} invitation",
        )
        submit_invalid(page)
        audit.check(page, f"sign-up from the {kind} invitation with errors")
    audit.visit(page, f"/{lang}/invitations/not-a-real-token/", "unusable invitation", status=404)

    audit.visit(page, f"/{lang}/request-access/", "request access")
    submit_invalid(page, "main form.stacked-form")
    audit.check(page, "request access with errors")
    form = page.locator("main form.stacked-form")
    form.locator("input[name=organization_name]").fill(f"Fundy Tide Outfitters ({lang})")
    form.locator("select[name=province]").select_option("NS")
    form.locator("select[name=size]").select_option("5-19")
    form.locator("input[name=contact_name]").fill("Rachel Comeau")
    form.locator("input[name=contact_email]").fill(f"rachel-{lang}@fundytide.example.com")
    form.locator(f"input[name=language][value={lang}]").check()
    submit(page, "main form.stacked-form")
    expect(page).to_have_url(re.compile(r"/request-access/sent/$"))
    audit.check(page, "request access: sent")

    unsubscribe = f"/{lang}/reminders/unsubscribe/{state.invitations['unsubscribe']}/"
    audit.visit(page, unsubscribe, "reminders: unsubscribe")
    submit(page, "main form")
    audit.check(page, "reminders: unsubscribed")


def crawl_learner(audit: Audit, page: Page, state: State) -> None:
    lang, pages, ids = state.language, state.pages, state.ids
    audit.visit(page, f"/{lang}/my-learning/", "learner: my learning")
    for name in ("completed_module", "module", "lesson", "quiz"):
        audit.visit(page, pages[name].get_url(), f"learner: {name}")
    audit.visit(
        page,
        f"/{lang}/my-learning/attempts/{ids['failed']}/results/",
        "learner: quiz results, failed",
    )
    audit.visit(
        page,
        f"/{lang}/my-learning/attempts/{ids['passed']}/results/",
        "learner: quiz results, passed",
    )
    page.goto(pages["quiz"].get_url())
    # The first language's crawl starts a new attempt; the next one finds it open.
    start = page.locator("main form[action*=start] button[type=submit]")
    statement = page.locator('main form[action*=start] input[name="statement"]')
    if statement.count():
        statement.first.check()  # the learner's statement, asked before a certification attempt
    with page.expect_navigation():
        start.or_(page.locator("main a.button[href*='/attempts/']")).first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/$"))
    audit.check(page, "learner: quiz, unanswered")
    submit(page, "main form.quiz-form")
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check(page, "learner: quiz, validation errors")
    audit.visit(
        page, f"/{lang}/my-learning/survey/{ids['completed_enrolment']}/", "learner: survey"
    )
    audit.visit(page, f"/{lang}/certificates/", "learner: my certificates")
    audit.visit(page, f"/{lang}/accounts/my-data/", "learner: my data")
    audit.visit(page, f"/{lang}/accounts/password/change/", "learner: change password")


def crawl_employer(audit: Audit, page: Page, state: State) -> None:
    lang, employer = state.language, state.ids["employer"]
    audit.visit(page, f"/{lang}/employer/{employer}/", "employer: dashboard")
    audit.visit(page, f"/{lang}/employer/{employer}/invite/", "employer: invite staff")
    submit_invalid(page, "main form.stacked-form")
    audit.check(page, "employer: invite staff with errors")
    audit.visit(page, f"/{lang}/employer/{employer}/invite/csv/", "employer: CSV upload")
    page.locator("main input[type=file]").set_input_files(
        {
            "name": "staff.csv",
            "mimeType": "text/csv",
            "buffer": b"email,first_name\nnot-an-address,Amina\nok@example.com,Omar\n",
        }
    )
    submit_invalid(page, "main form.stacked-form")
    audit.check(page, "employer: CSV upload with errors")
    audit.visit(page, f"/{lang}/employer/{employer}/assign/", "employer: assign modules")
    audit.visit(
        page,
        f"/{lang}/employer/{employer}/time-accommodations/",
        "employer: more time on timed quizzes",
    )
    # The dashboard and the learner page after a manager's actions, their messages shown.
    page.goto(f"/{lang}/employer/{employer}/")
    submit(page, "main form.remind-overdue")
    audit.check(page, "employer: dashboard, overdue learners reminded")
    learner = f"/{lang}/employer/{employer}/learners/{state.ids['partner_learner']}/"
    audit.visit(page, learner, "employer: learner page")
    for summary in page.locator("main details > summary").all():
        summary.click()
    audit.check(page, "employer: learner page, attempts opened")
    submit(page, "main form.learner-actions")
    audit.check(page, "employer: learner page, reminder already sent today")
    submit(page, "main form.due-form")
    audit.check(page, "employer: learner page, due date changed")


def crawl_spo_staff(audit: Audit, page: Page, state: State) -> None:
    lang, ids = state.language, state.ids
    audit.visit(page, f"/{lang}/spo/{ids['spo']}/", "SPO staff: dashboard")
    audit.visit(
        page,
        f"/{lang}/spo/{ids['spo']}/employers/{ids['employer']}/",
        "SPO staff: employer drill-down",
    )
    audit.visit(
        page,
        f"/{lang}/spo/{ids['spo']}/employers/{ids['employer']}/learners/{ids['partner_learner']}/",
        "SPO staff: learner page",
    )
    audit.visit(page, f"/{lang}/verify/bulk/", "SPO staff: bulk verification")
    submit_invalid(page, "main form")
    audit.check(page, "SPO staff: bulk verification with an error")
    codes = [state.certificates[s] for s in ("valid", "revoked", "expired")] + ["7K3M-Q9TD-2BXN"]
    page.locator("main textarea").fill("\n".join(codes))
    submit(page, "main form")
    audit.check(page, "SPO staff: bulk verification results")


def crawl_spo_manager(audit: Audit, page: Page, state: State) -> None:
    lang, ids = state.language, state.ids
    spo, employer = ids["spo"], ids["employer"]
    audit.visit(page, f"/{lang}/spo/{spo}/", "SPO manager: dashboard")
    audit.visit(page, f"/{lang}/spo/{spo}/invite/", "SPO manager: invite an employer")
    submit_invalid(page, "main form.stacked-form")
    audit.check(page, "SPO manager: invite an employer with errors")
    audit.visit(
        page, f"/{lang}/spo/{spo}/employers/{employer}/assign/", "SPO manager: assign modules"
    )
    submit_invalid(page, "main form.stacked-form")
    audit.check(page, "SPO manager: assign modules with errors")
    audit.visit(
        page,
        f"/{lang}/spo/{spo}/employers/{employer}/learners/{ids['partner_learner']}/attempts/",
        "SPO manager: assessment record",
    )
    audit.visit(page, f"/{lang}/spo/{spo}/access-requests/", "SPO manager: access requests")
    for summary in page.locator("main details > summary").all():
        summary.click()
    audit.check(page, "SPO manager: access requests, decline opened")
    submit(page, "main form.inline-form")
    audit.check(page, "SPO manager: access request approved")
    audit.visit(page, f"/{lang}/verify/manage/", "SPO manager: certificates")
    code = state.certificates["to_revoke"]
    audit.visit(page, f"/{lang}/verify/manage/{code}/revoke/", "SPO manager: revoke")
    page.locator("main select").select_option(index=1)
    page.locator("main textarea").fill("The employer reported a name mix-up.")
    submit(page, "main form")
    audit.check(page, "SPO manager: revoke, confirmation")
    submit(page, "main form")
    expect(page).to_have_url(re.compile(r"/verify/manage/$"))
    audit.check(page, "SPO manager: certificate revoked")
    audit.visit(page, f"/{lang}/verify/{code}/", "SPO manager: verification shows revoked")


# What axe leaves out on the admin's pages: markup of Wagtail and wagtail-localize that the
# project does not write, each with the rule it breaks and where it is tracked upstream.
# Everything else there (the project's panels, blocks, question forms and reports) is checked.
WAGTAIL_OWNED = [
    # scrollable-region-focusable: the minimap (the outline beside the page editor) scrolls
    # without being focusable. Not reported upstream as of December 2026.
    ".w-minimap__list",
    # label: a StreamField or ListBlock child that is a single field gets no <label> (the
    # block's header names it). wagtail/wagtail#11179.
    "[data-contentpath] .w-field__input > input[id$='-value']",
    # aria-input-field-name: Draftail's rich text editors (role=textbox) are named only by their
    # placeholder. wagtail/wagtail#14205.
    ".Draftail-Editor .public-DraftEditor-content",
    # color-contrast: wagtail-localize's translation editor writes field names in #00b0b1 on
    # white (2.67:1). Not reported upstream as of December 2026.
    ".js-translation-editor h3",
    # label: wagtail-localize's PO file upload has no label. Not reported upstream as of
    # December 2026.
    ".js-translation-editor input[type=file]",
]


def crawl_editor(audit: Audit, page: Page, state: State) -> None:
    """The editor's pages: the explorer, the module, lesson and quiz editors, the editor of
    each kind of question the quiz holds, and the three reports."""
    pages = state.pages

    def visit(path: str, label: str) -> None:
        audit.visit(page, path, f"editor: {label}", reflow=False, exclude=WAGTAIL_OWNED)

    visit("/admin/", "dashboard")
    visit(f"/admin/pages/{pages['catalogue'].pk}/", "page explorer")
    for name in ("module", "lesson", "quiz"):
        visit(f"/admin/pages/{pages[name].pk}/edit/", f"edit {name}")
    finder = AdminURLFinder(User.objects.get(email=state.accounts["editor"]))
    questions = Question.objects.filter(quiz=pages["quiz"]).order_by("polymorphic_ctype", "pk")
    seen = set()
    for question in questions:
        if question.polymorphic_ctype_id not in seen:
            seen.add(question.polymorphic_ctype_id)
            real = question.get_real_instance()
            visit(finder.get_edit_url(real), f"edit a {type(real).__name__}")
    assert seen, "the quiz has questions to edit"
    visit("/admin/snippets/courses/singlechoicequestion/", "question snippets")
    visit("/admin/courses/translations/", "translation report")
    visit("/admin/evaluation/", "quiz evaluation report")
    visit("/admin/courses/lesson-review/", "lesson review report")


def test_every_page_of_the_journeys_passes_axe_and_reflows(windows, live_server, mailoutbox):
    states = demo_seed(mailoutbox)
    problems, checked = [], []

    for language, state in states.items():
        audit = Audit(language)
        admin_language_set(state.accounts["editor"], language)
        visitor = windows.open(locale=LOCALES[language])
        axe_preload(visitor.context)
        crawl_visitor(audit, visitor, state)
        visitor.context.close()
        for role, crawl in (
            ("learner", crawl_learner),
            ("employer_admin", crawl_employer),
            ("spo_staff", crawl_spo_staff),
            ("spo_manager", crawl_spo_manager),
            ("editor", crawl_editor),
        ):
            page = signed_in_window(
                windows, live_server, email=state.accounts[role], language=language
            )
            crawl(audit, page, state)
            page.context.close()
        problems += audit.problems
        checked += audit.checked

    assert problems == [], f"{len(problems)} problems on {len(checked)} pages:\n" + "\n".join(
        problems
    )
    assert windows.problems == []


def test_the_checks_report_each_violation_and_sideways_scrolling(windows):
    page = windows.open()
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<div style="width: 1000px">Wide</div></main></body></html>'
    )

    lines = violations_report(axe_violations(page), "broken page")
    problems = reflow_problems(page, "broken page")

    assert [line.split(":", 2)[:2] for line in lines] == [
        ["broken page", " image-alt (critical) at img"]
    ]
    assert [re.sub(r"\d+px sideways", "Npx sideways", problem) for problem in problems] == [
        "broken page: scrolls Npx sideways at 320px wide (div (1008px))",
        "broken page: scrolls Npx sideways at 640px wide (div (1008px))",
    ]


# -- Keyboard only --------------------------------------------------------------------------


def keyboard_seed() -> tuple[ModulePage, User]:
    """The English site with one module (every question type in its quiz), and a learner."""
    seed_site()
    home = HomePage.objects.get(locale__language_code="en")
    catalogue = load("catalogue", "en")["catalogue"]
    index = home.add_child(
        instance=ModuleIndexPage(
            title=catalogue["title"], slug=catalogue["slug"], intro=catalogue["intro"]
        )
    )
    revision_publish(index)
    module = module_import(
        index=index, source=load("intercultural-competency", "en"), translations={}
    )
    learner = User(email="amina.diallo@example.com", first_name="Amina", last_name="Diallo")
    learner.set_password(KEYBOARD_PASSWORD)
    learner.save()
    return module, learner


KEYBOARD_PASSWORD = "harbour lights at dawn"
# Focus is visible when it draws an outline or a ring (site.css draws both).
FOCUS_SHOWN = """(element) => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return element.matches(":focus-visible") && (outline || style.boxShadow !== "none");
}"""


class KeyboardUser:
    """Moves through a page with Tab and answers with Space, Enter and the arrow keys only
    (``page.keyboard``); reading the page (where focus is, what is checked) is not input.
    Records every element it reaches without a visible focus indicator."""

    TAB_LIMIT = 250

    def __init__(self, page: Page):
        self.page = page
        self.keyboard = page.keyboard
        self.unseen_focus: list[str] = []

    def focused(self, locator) -> bool:
        return locator.evaluate("(element) => element === document.activeElement")

    def tab_to(self, locator) -> None:
        """Press Tab until ``locator`` has the focus."""
        locator.wait_for()
        for _ in range(self.TAB_LIMIT):
            if self.focused(locator):
                if not locator.evaluate(FOCUS_SHOWN):
                    self.unseen_focus.append(locator.evaluate("(e) => e.outerHTML.slice(0, 120)"))
                return
            self.keyboard.press("Tab")
        pytest.fail(f"{self.TAB_LIMIT} presses of Tab never reached {locator}")

    def activate(self, locator, key: str = "Enter") -> None:
        """Tab to a link or button and press it, waiting for the next page when it opens one."""
        self.tab_to(locator)
        with self.page.expect_navigation():
            self.keyboard.press(key)

    def choose_radio(self, group: str, value: str) -> None:
        """Tab into a radio group (focus lands on its first option), then move with the arrow
        keys to ``value``; Space checks the first option itself."""
        radios = self.page.locator(f"input[type=radio][name='{group}']")
        self.tab_to(radios.first)
        values = radios.evaluate_all("(inputs) => inputs.map((input) => input.value)")
        for _ in range(values.index(value)):
            self.keyboard.press("ArrowDown")
        if values.index(value) == 0:
            self.keyboard.press("Space")
        expect(radios.nth(values.index(value))).to_be_checked()

    def tick(self, name: str, values: list[str]) -> None:
        """Tab to each checkbox of ``name`` whose value is in ``values`` and press Space."""
        for value in values:
            box = self.page.locator(f"input[type=checkbox][name='{name}'][value='{value}']")
            self.tab_to(box)
            self.keyboard.press("Space")
            expect(box).to_be_checked()

    def select(self, name: str, value: str) -> None:
        """Tab to a closed select and step to ``value`` with the arrow keys."""
        select = self.page.locator(f"select[name='{name}']")
        self.tab_to(select)
        options = select.evaluate("(s) => Array.from(s.options, (option) => option.value)")
        current = select.evaluate("(s) => s.selectedIndex")
        steps = options.index(value) - current
        for _ in range(abs(steps)):
            self.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        expect(select).to_have_value(value)

    def answer(self, data) -> None:
        """Fill the quiz form with ``data`` (field name: values), in the page's tab order."""
        fields = self.page.locator("form.quiz-form").evaluate(
            """(form) => Array.from(form.elements, (e) => [e.name, e.type])
                .filter(([name, type]) => name && type !== "hidden" && type !== "submit")"""
        )
        done = set()
        for name, kind in fields:
            if name in done or name not in data:
                continue
            done.add(name)
            values = data.getlist(name)
            if kind == "radio":
                self.choose_radio(name, values[0])
            elif kind == "checkbox":
                self.tick(name, values)
            else:
                self.select(name, values[0])
        assert done == set(data), f"fields not on the page: {set(data) - done}"


def test_a_learner_completes_a_module_and_its_quiz_with_the_keyboard_alone(windows):
    module, learner = keyboard_seed()
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    quiz = QuizPage.objects.child_of(module).get()
    page = windows.open()
    page.goto(f"/en/accounts/login/?next={module.url}")
    user = KeyboardUser(page)

    user.tab_to(page.locator("input[name=username]"))
    page.keyboard.type(learner.email)
    user.tab_to(page.locator("input[name=password]"))
    page.keyboard.type(KEYBOARD_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(module.url) + "$"))

    user.activate(page.locator(".progress-box button[type=submit]"))
    for lesson in lessons:
        expect(page).to_have_url(re.compile(re.escape(lesson.url) + "$"))
        passages = page.locator("main details")
        if passages.count():
            # An expandable passage (an expert answer, a transcript) opens with Enter.
            user.tab_to(passages.first.locator("summary"))
            page.keyboard.press("Enter")
            expect(passages.first).to_have_attribute("open", "")
        user.activate(page.locator(".lesson-end button[type=submit]"))

    expect(page).to_have_url(re.compile(re.escape(quiz.url) + "$"))
    user.activate(page.locator("main form[action*=start] button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/my-learning/attempts/\d+/$"))
    attempt = QuizAttempt.objects.get(enrolment__user=learner)
    types = {type(item.question).__name__ for item in attempt_items(attempt)}
    assert types == {
        "SingleChoiceQuestion",
        "MultipleChoiceQuestion",
        "TrueFalseQuestion",
        "OrderingQuestion",
        "MatchingQuestion",
    }
    user.answer(answers_for(attempt))
    user.activate(page.locator("form.quiz-form button[type=submit]"))

    expect(page).to_have_url(re.compile(rf"/my-learning/attempts/{attempt.pk}/results/$"))
    expect(page.locator(".result-summary.result-pass")).to_be_visible()
    attempt.refresh_from_db()
    assert (attempt.passed, attempt.enrolment.completed_at is not None) == (True, True)
    assert user.unseen_focus == []
    assert windows.problems == []
