"""An editor builds a module in the Wagtail admin (a lesson, a quiz with one question of each
type) and submits it for moderation; a moderator approves it; the editor translates it into
French, pages and questions; the moderator publishes the French pages; visitors find the module
in both catalogues. Everything happens in the browser, with the admin in English and in French;
the ORM only seeds the site and checks the outcome."""

import re

import pytest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation.trans_real import DjangoTranslation
from playwright.sync_api import Page, expect
from wagtail.models import Locale
from wagtail.models import Page as WagtailPage
from wagtail.users.models import UserProfile

from cms.demo import seed_site
from cms.models import HomePage
from cms.services import locales_ensure, translation_import
from courses.demo import load
from courses.models import (
    Choice,
    LessonPage,
    MatchingPair,
    MatchingQuestion,
    ModuleIndexPage,
    ModulePage,
    MultipleChoiceQuestion,
    OrderingItem,
    OrderingQuestion,
    Question,
    QuizPage,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.services import CONTENT_EDITORS, MODERATORS, revision_publish
from learning.demo import seed_accounts
from learning.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MODULE = {
    "title": "Welcoming newcomers to small teams",
    "slug": "welcoming-newcomers-to-small-teams",  # as the admin makes it from the title
    "summary": "How a small team prepares for, greets and supports a new colleague.",
    "objective": "Plan a newcomer's first week with the whole team.",
    "audience": "Owners and supervisors of small businesses.",
    "estimated_minutes": "25",
    "content_last_reviewed": "2026-11-01",
}
LESSON = {
    "title": "Your first week together",
    "slug": "your-first-week-together",
    "paragraph": "Newcomers stay where they feel welcome from the first day.",
    # What the editor writes instead once the module is live in both languages.
    "new_paragraph": "Newcomers stay where the whole team makes them welcome.",
    "scenario": {
        "title": "The quiet new hire",
        "situation": "A new welder never asks questions in team meetings.",
        "question": "What could you try before the next meeting?",
        "expert_answer": "Ask for questions one-on-one, and in writing.",
    },
}
QUIZ = {"title": "Check what you learned", "slug": "check-what-you-learned"}
# One question of each type, in the order the bank offers them. Answers are (text, correct,
# feedback); ordering items are listed in the correct order.
QUESTIONS = [
    {
        "model": SingleChoiceQuestion,
        "prompt": "Who shares the work of welcoming a newcomer?",
        "explanation": "Welcoming is shared by the whole workplace.",
        "answers": [
            ("The whole team", True, "Right: welcoming is everyone's work."),
            ("The newcomer alone", False, "Adapting goes both ways."),
            ("Human resources only", False, "HR helps, but the team does most of it."),
        ],
    },
    {
        "model": MultipleChoiceQuestion,
        "prompt": "Which of these help a newcomer's first week?",
        "answers": [
            ("A buddy to ask questions", True, "A buddy makes questions easy."),
            ("A written schedule", True, "A schedule removes guesswork."),
            ("Waiting to see", False, "Silence leaves the newcomer guessing."),
        ],
    },
    {
        "model": TrueFalseQuestion,
        "prompt": "Intercultural competence can be learned.",
        "feedback_true": "Yes: it is a skill that grows with practice.",
        "feedback_false": "It can: it is a skill, not a trait.",
    },
    {
        "model": OrderingQuestion,
        "prompt": "Put these steps of a first day in order.",
        "items": [
            ("Greet the newcomer at the door", "Start with a warm welcome."),
            ("Introduce the team", "Names and roles come next."),
            ("Review the week's schedule", "Plans make sense once people are known."),
        ],
    },
    {
        "model": MatchingQuestion,
        "prompt": "Match each practice with what it gives the newcomer.",
        "pairs": [
            ("A buddy", "Someone to ask", "A buddy answers everyday questions."),
            ("A weekly plan", "A clear week", "The plan shows what comes next."),
        ],
    },
]
# What the translator types for each English segment (slugs included).
FRENCH = {
    "Welcoming newcomers to small teams": "Accueillir les nouveaux arrivants en petite équipe",
    "welcoming-newcomers-to-small-teams": "accueillir-les-nouveaux-arrivants",
    "How a small team prepares for, greets and supports a new colleague.": (
        "Comment une petite équipe prépare, accueille et soutient une nouvelle collègue."
    ),
    "Plan a newcomer's first week with the whole team.": (
        "Planifier la première semaine d'une nouvelle recrue avec toute l'équipe."
    ),
    "Owners and supervisors of small businesses.": (
        "Propriétaires et superviseurs de petites entreprises."
    ),
    "Your first week together": "Votre première semaine ensemble",
    "your-first-week-together": "votre-premiere-semaine-ensemble",
    "Newcomers stay where they feel welcome from the first day.": (
        "Les nouveaux arrivants restent là où ils se sentent bienvenus dès le premier jour."
    ),
    "Newcomers stay where the whole team makes them welcome.": (
        "Les nouveaux arrivants restent là où toute l'équipe les accueille."
    ),
    "The quiet new hire": "La nouvelle recrue discrète",
    "A new welder never asks questions in team meetings.": (
        "Un nouveau soudeur ne pose jamais de questions en réunion d'équipe."
    ),
    "What could you try before the next meeting?": (
        "Que pourriez-vous essayer avant la prochaine réunion?"
    ),
    "Ask for questions one-on-one, and in writing.": (
        "Proposez de poser les questions en tête-à-tête, et par écrit."
    ),
    "Check what you learned": "Vérifiez vos acquis",
    "check-what-you-learned": "verifiez-vos-acquis",
    "Who shares the work of welcoming a newcomer?": (
        "Qui partage le travail d'accueil d'une nouvelle recrue?"
    ),
    "Welcoming is shared by the whole workplace.": (
        "L'accueil est partagé par tout le milieu de travail."
    ),
    "The whole team": "Toute l'équipe",
    "Right: welcoming is everyone's work.": "Exact : l'accueil est l'affaire de tous.",
    "The newcomer alone": "La nouvelle recrue seule",
    "Adapting goes both ways.": "L'adaptation se fait dans les deux sens.",
    "Human resources only": "Les ressources humaines seulement",
    "HR helps, but the team does most of it.": "Les RH aident, mais l'équipe fait l'essentiel.",
    "Which of these help a newcomer's first week?": (
        "Lesquels de ces gestes aident la première semaine d'une nouvelle recrue?"
    ),
    "A buddy to ask questions": "Un parrain à qui poser des questions",
    "A buddy makes questions easy.": "Un parrain rend les questions faciles.",
    "A written schedule": "Un horaire écrit",
    "A schedule removes guesswork.": "Un horaire évite les devinettes.",
    "Waiting to see": "Attendre de voir",
    "Silence leaves the newcomer guessing.": "Le silence laisse la recrue dans le doute.",
    "Intercultural competence can be learned.": "La compétence interculturelle s'apprend.",
    "Yes: it is a skill that grows with practice.": (
        "Oui : c'est une compétence qui se développe avec la pratique."
    ),
    "It can: it is a skill, not a trait.": (
        "Elle s'apprend : c'est une compétence, pas un trait de caractère."
    ),
    "Put these steps of a first day in order.": (
        "Placez ces étapes d'une première journée dans l'ordre."
    ),
    "Greet the newcomer at the door": "Accueillir la recrue à la porte",
    "Start with a warm welcome.": "Commencer par un accueil chaleureux.",
    "Introduce the team": "Présenter l'équipe",
    "Names and roles come next.": "Les noms et les rôles viennent ensuite.",
    "Review the week's schedule": "Revoir l'horaire de la semaine",
    "Plans make sense once people are known.": "Les plans ont du sens une fois les gens connus.",
    "Match each practice with what it gives the newcomer.": (
        "Associez chaque pratique à ce qu'elle apporte à la recrue."
    ),
    "A buddy": "Un parrain",
    "Someone to ask": "Quelqu'un à qui demander",
    "A buddy answers everyday questions.": "Un parrain répond aux questions de tous les jours.",
    "A weekly plan": "Un plan de la semaine",
    "A clear week": "Une semaine claire",
    "The plan shows what comes next.": "Le plan montre ce qui s'en vient.",
}


# -- Setup (ORM) ----------------------------------------------------------------------------


def catalogue_seed() -> dict[str, ModuleIndexPage]:
    """The empty catalogue in English and French, as ``courses.demo.seed_catalogue`` makes it
    (without its three modules, which this journey does not need)."""
    locales = locales_ensure()
    data = {code: load("catalogue", code)["catalogue"] for code in locales}
    home = HomePage.objects.get(locale=locales["en"])
    index = home.add_child(
        instance=ModuleIndexPage(
            locale=locales["en"],
            title=data["en"]["title"],
            slug=data["en"]["slug"],
            intro=data["en"]["intro"],
        )
    )
    revision_publish(index)
    french = translation_import(
        source=index,
        translated=ModuleIndexPage(
            title=data["fr"]["title"], slug=data["fr"]["slug"], intro=data["fr"]["intro"]
        ),
        locale=locales["fr"],
    )
    return {"en": index, "fr": french}


def accounts_seed(*, language: str) -> dict[str, tuple[str, str]]:
    """The demo editor and moderator (email, password), with the admin in ``language``."""
    accounts = {role: (email, password) for role, email, password in seed_accounts()}
    for role, group in (("editor", CONTENT_EDITORS), ("moderator", MODERATORS)):
        user = User.objects.get(email=accounts[role][0])
        assert list(user.groups.values_list("name", flat=True)) == [group]
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    return accounts


# -- The admin, in the user's language ------------------------------------------------------


class AdminText:
    """What the admin shows in one language: Django's and Wagtail's messages, the JavaScript
    messages of wagtail-localize's editor, and our models' labels."""

    def __init__(self, language: str):
        self.language = language
        self.javascript = DjangoTranslation(language, domain="djangojs")

    def __call__(self, message: str, **values) -> str:
        with translation.override(self.language):
            text = translation.gettext(message)
        return text % values if values else text

    def js(self, message: str) -> str:
        return self.javascript.gettext(message)

    def field(self, model, name: str) -> str:
        with translation.override(self.language):
            return capfirst(str(model._meta.get_field(name).verbose_name))

    def model(self, model) -> str:
        with translation.override(self.language):
            return capfirst(str(model._meta.verbose_name))


def sign_in(windows, *, email: str, password: str, ui: AdminText) -> Page:
    """A browser window of the user's own, signed in to the admin."""
    page = windows.open(locale="fr-CA" if ui.language == "fr" else "en-CA")
    page.goto("/admin/login/")
    page.get_by_role("textbox", name=ui("Email address")).fill(email)
    # Wagtail leaves this field's label untranslated; its placeholder is translated.
    page.get_by_placeholder(ui("Enter password")).fill(password)
    page.get_by_role("button", name=ui("Sign in")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return page


def messages(page: Page):
    return page.locator(".messages")


def footer_action(page: Page, ui: AdminText, label: str) -> None:
    """Click an action of the editor's footer menu ("More actions")."""
    page.get_by_role("button", name=ui("More actions")).click()
    page.get_by_role("button", name=label, exact=True).click()


def header_action(page: Page, ui: AdminText, label: str) -> None:
    """Follow a link of the editor's header "Actions" menu."""
    header = page.get_by_role("navigation", name=ui("Actions"), exact=True)
    header.get_by_role("button", name=ui("Actions"), exact=True).click()
    header.get_by_role("link", name=label, exact=True).click()


def toggle_status_panel(page: Page, ui: AdminText, *, expanded: bool) -> None:
    """Open or close the editor's status side panel, from the state given."""
    toggle = page.get_by_role("button", name=ui("Toggle status"))
    expect(toggle).to_have_attribute("aria-expanded", str(expanded).lower())
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", str(not expanded).lower())


def fill_title(page: Page, ui: AdminText, content: dict) -> None:
    field = page.get_by_role("textbox", name=ui.field(WagtailPage, "title"))
    field.fill(content["title"])
    field.blur()  # the slug (in the Promote tab) follows the title when it loses focus
    expect(page.locator("#id_slug")).to_have_value(content["slug"])


def fill_date(field, value: str) -> None:
    """Fill a date field, then leave it: the date picker it opens (a little later) would
    cover the form."""
    field.fill(value)
    picker = field.page.locator(".xdsoft_datetimepicker").filter(visible=True)
    expect(picker).to_have_count(1)
    field.press("Tab")
    expect(picker).to_have_count(0)
    expect(field).to_have_value(value)


def fill_rich_text(container, text: str) -> None:
    """Type into a Draftail editor and wait until it has saved its content to the form."""
    container.get_by_role("textbox").click()
    container.page.keyboard.insert_text(text)
    expect(container.locator("input[type=hidden]")).to_have_value(re.compile(re.escape(text)))


def replace_rich_text(container, text: str) -> None:
    """Replace everything in a Draftail editor with ``text``, and wait until it is saved to
    the form."""
    container.get_by_role("textbox").click()
    container.page.keyboard.press("ControlOrMeta+A")
    container.page.keyboard.insert_text(text)
    expect(container.locator("input[type=hidden]")).to_have_value(re.compile(re.escape(text)))


def save_draft(page: Page, ui: AdminText, title: str) -> int:
    """Save the page being edited as a draft; returns its id."""
    page.get_by_role("button", name=ui("Save draft")).click()
    expect(messages(page)).to_contain_text(title)
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    return int(re.search(r"/pages/(\d+)/", page.url)[1])


def add_child_page(page: Page, ui: AdminText, model) -> None:
    header_action(page, ui, ui("Add child page"))
    page.get_by_role("link", name=ui.model(model), exact=True).click()


def inline_forms(form, ui: AdminText, label: str, count: int):
    """The first ``count`` forms of an inline panel, adding forms as needed."""
    panel = form.get_by_role("region", name=ui(label), exact=True)
    forms = panel.get_by_role("region")
    while forms.count() < count:
        panel.get_by_role("button", name=ui("Add %(label)s", label=ui(label))).click()
    return [forms.nth(index) for index in range(count)]


def fill_question(page: Page, ui: AdminText, question: dict) -> None:
    model = question["model"]
    page.get_by_role("textbox", name=ui.field(model, "prompt")).fill(question["prompt"])
    if "explanation" in question:
        page.get_by_role("textbox", name=ui.field(model, "explanation")).fill(
            question["explanation"]
        )
    if "answers" in question:
        forms = inline_forms(page, ui, "Answers", len(question["answers"]))
        for form, (text, correct, feedback) in zip(forms, question["answers"], strict=True):
            form.get_by_role("textbox", name=ui.field(Choice, "text")).fill(text)
            form.get_by_role("checkbox", name=ui.field(Choice, "is_correct")).set_checked(correct)
            form.get_by_role("textbox", name=ui.field(Choice, "feedback")).fill(feedback)
    if "feedback_true" in question:
        page.get_by_role("checkbox", name=ui.field(model, "correct_answer")).check()
        page.get_by_role("textbox", name=ui.field(model, "feedback_true")).fill(
            question["feedback_true"]
        )
        page.get_by_role("textbox", name=ui.field(model, "feedback_false")).fill(
            question["feedback_false"]
        )
    if "items" in question:
        forms = inline_forms(page, ui, "Items, in the correct order", len(question["items"]))
        for form, (text, feedback) in zip(forms, question["items"], strict=True):
            form.get_by_role("textbox", name=ui.field(OrderingItem, "text")).fill(text)
            form.get_by_role("textbox", name=ui.field(OrderingItem, "feedback")).fill(feedback)
    if "pairs" in question:
        forms = inline_forms(page, ui, "Pairs", len(question["pairs"]))
        for form, (left, right, feedback) in zip(forms, question["pairs"], strict=True):
            form.get_by_role("textbox", name=ui.field(MatchingPair, "left")).fill(left)
            form.get_by_role("textbox", name=ui.field(MatchingPair, "right")).fill(right)
            form.get_by_role("textbox", name=ui.field(MatchingPair, "feedback")).fill(feedback)


def translate_segments(page: Page, ui: AdminText) -> list[str]:
    """In wagtail-localize's editor, translate every segment still to translate, tab by tab,
    with ``FRENCH``. Returns the source texts translated."""
    done = []
    # The editor is a React app: wait until it has drawn the segments.
    expect(page.get_by_role("link", name=ui.js("Download PO file"))).to_be_visible()
    tabs = page.get_by_role("tab")
    for index in range(max(tabs.count(), 1)):
        if tabs.count():
            tabs.nth(index).click()
        scope = page.get_by_role("tabpanel") if tabs.count() else page.get_by_role("main")
        to_translate = scope.get_by_role("button", name=ui.js("Translate"), exact=True)
        while to_translate.count():
            to_translate.first.click()
            editor = scope.locator("textarea")
            segment = editor.locator("xpath=ancestor::li[1]")
            source = segment.locator("p").first.inner_text()
            editor.fill(FRENCH[source])
            # The editor closes before the server has stored the translation.
            with page.expect_response(
                lambda r: r.request.method == "PUT" and "/strings/" in r.url
            ) as saved:
                segment.get_by_role("button", name=ui.js("Save"), exact=True).click()
            assert saved.value.ok
            expect(editor).to_have_count(0)
            done.append(source)
    if tabs.count():
        tabs.first.click()
    return done


def question_texts(question: dict) -> list[str]:
    """Every text of a question in ``QUESTIONS``: what its translation has to translate."""
    texts = [question["prompt"], question.get("explanation")]
    for text, _correct, feedback in question.get("answers", []):
        texts += [text, feedback]
    texts += [question.get("feedback_true"), question.get("feedback_false")]
    for item in question.get("items", []) + question.get("pairs", []):
        texts += item
    return [text for text in texts if text]


def submit_translation(page: Page, ui: AdminText) -> None:
    """Submit the translation open in wagtail-localize's editor for moderation."""
    page.get_by_role("button", name=ui("Submit translation for moderation")).click()
    expect(page.locator(".messages .error")).to_have_count(0)
    expect(
        page.get_by_text(
            ui("This translation is awaiting moderation. A moderator publishes it once approved."),
            exact=False,
        )
    ).to_be_visible()


def approve_all(page: Page, ui: AdminText, titles: list[str]) -> None:
    """Approve each of ``titles`` from the dashboard's "Awaiting your review"."""
    page.goto("/admin/")
    review = page.get_by_role("region", name=ui("Awaiting your review"))
    for title in titles:
        row = review.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
        row.get_by_role("button", name=ui("Actions")).click()
        row.get_by_role("button", name=ui("Approve"), exact=True).click()
        expect(row).to_have_count(0)


# -- The journey ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_editor_journey_publishes_a_bilingual_module(windows, screenshots, language):
    workflow = WagtailPage.get_first_root_node().get_workflow()
    assert workflow is not None and workflow.active  # Wagtail's "Moderators approval"
    seed_site()
    catalogues = catalogue_seed()
    accounts = accounts_seed(language=language)
    french = Locale.objects.get(language_code="fr").get_display_name()
    ui = AdminText(language)

    # The editor signs in and creates the module, its lesson and its quiz.
    editor = sign_in(windows, email=accounts["editor"][0], password=accounts["editor"][1], ui=ui)
    screenshots(editor, "editor signed in")
    editor.goto(f"/admin/pages/{catalogues['en'].pk}/")
    editor.get_by_role("link", name=ui("Add child page")).first.click()
    editor.get_by_role("link", name=ui.model(ModulePage), exact=True).click()
    fill_title(editor, ui, MODULE)
    for name in ("summary", "audience"):
        editor.get_by_role("textbox", name=ui.field(ModulePage, name)).fill(MODULE[name])
    objectives = editor.get_by_role("region", name=ui.field(ModulePage, "learning_objectives"))
    objectives.get_by_role("button", name=ui.js("Insert a block")).first.click()
    objectives.get_by_role("region", name=ui("Objective")).get_by_role("textbox").fill(
        MODULE["objective"]
    )
    editor.get_by_role("spinbutton", name=ui.field(ModulePage, "estimated_minutes")).fill(
        MODULE["estimated_minutes"]
    )
    fill_date(
        editor.get_by_role("textbox", name=ui.field(ModulePage, "content_last_reviewed")),
        MODULE["content_last_reviewed"],
    )
    module_id = save_draft(editor, ui, MODULE["title"])
    screenshots(editor, "module created")

    add_child_page(editor, ui, LessonPage)
    fill_title(editor, ui, LESSON)
    body = editor.get_by_role("region", name=ui.field(LessonPage, "body"))
    body.get_by_role("button", name=ui.js("Insert a block")).first.click()
    editor.get_by_role("option", name=ui("Rich text"), exact=True).click()
    fill_rich_text(body.get_by_role("region", name=ui("Rich text")), LESSON["paragraph"])
    body.get_by_role("button", name=ui.js("Insert a block")).last.click()
    editor.get_by_role("option", name=ui("Scenario"), exact=True).click()
    scenario = body.get_by_role("region", name=ui("Scenario"))
    scenario.get_by_role("textbox", name=ui("Title")).fill(LESSON["scenario"]["title"])
    fill_rich_text(
        scenario.locator("[data-contentpath=situation]"), LESSON["scenario"]["situation"]
    )
    scenario.get_by_role("textbox", name=ui("Reflection question")).fill(
        LESSON["scenario"]["question"]
    )
    fill_rich_text(
        scenario.locator("[data-contentpath=expert_answer]"), LESSON["scenario"]["expert_answer"]
    )
    lesson_id = save_draft(editor, ui, LESSON["title"])
    screenshots(editor, "lesson created")

    editor.goto(f"/admin/pages/{module_id}/edit/")
    add_child_page(editor, ui, QuizPage)
    fill_title(editor, ui, QUIZ)
    quiz_id = save_draft(editor, ui, QUIZ["title"])
    quiz_url = editor.url
    screenshots(editor, "quiz created")

    # From the quiz's question bank, one question of each type, each submitted for moderation.
    submit = ui("Submit to %(workflow_name)s", workflow_name=workflow.name)
    for question in QUESTIONS:
        bank = editor.get_by_role("region", name=ui("Question bank"))
        bank.get_by_role("link", name=ui.model(question["model"]), exact=True).click()
        expect(editor.get_by_role("region", name=ui.field(Question, "quiz"))).to_contain_text(
            QUIZ["title"]
        )
        fill_question(editor, ui, question)
        screenshots(editor, f"{question['model'].__name__} filled in")
        footer_action(editor, ui, submit)
        expect(editor).to_have_url(re.compile(rf"/admin/pages/{quiz_id}/edit/"))  # back
    bank = editor.get_by_role("region", name=ui("Question bank"))
    for question in QUESTIONS:
        row = bank.get_by_role("row").filter(has_text=question["prompt"])
        expect(row).to_contain_text(ui("Draft"))
    screenshots(editor, "question bank")

    # The editor submits the three pages for moderation.
    for page_id, title in ((quiz_id, QUIZ["title"]), (lesson_id, LESSON["title"]),
                           (module_id, MODULE["title"])):  # fmt: skip
        editor.goto(f"/admin/pages/{page_id}/edit/")
        footer_action(editor, ui, submit)
        expect(messages(editor)).to_contain_text(title)
    screenshots(editor, "pages submitted for moderation")

    # The moderator approves them from the dashboard; approving publishes them.
    moderator = sign_in(
        windows, email=accounts["moderator"][0], password=accounts["moderator"][1], ui=ui
    )
    review = moderator.get_by_role("region", name=ui("Awaiting your review"))
    for title in (MODULE["title"], LESSON["title"], QUIZ["title"]):
        expect(review.get_by_role("link", name=title, exact=True)).to_be_visible()
    screenshots(moderator, "awaiting review")
    approve_all(
        moderator,
        ui,
        [MODULE["title"], LESSON["title"], QUIZ["title"], *(q["prompt"] for q in QUESTIONS)],
    )
    screenshots(moderator, "english pages and questions approved")

    # The editor translates the module and its pages into French.
    editor.goto(f"/admin/pages/{module_id}/edit/")
    header_action(editor, ui, ui("Translate this page"))
    editor.get_by_role("checkbox", name=french).check()
    subtree = ui("Include subtree ({} page)").split(" (")[0]
    editor.get_by_role("checkbox", name=re.compile("^" + re.escape(subtree))).check()
    screenshots(editor, "translate the module")
    editor.get_by_role("button", name=ui("Submit"), exact=True).click()
    expect(editor).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    french_module_id = int(re.search(r"/pages/(\d+)/", editor.url)[1])
    assert sorted(translate_segments(editor, ui)) == sorted(
        [MODULE[name] for name in ("title", "slug", "summary", "objective", "audience")]
    )
    screenshots(editor, "french module translated")
    lesson_texts = [LESSON["title"], LESSON["slug"], LESSON["paragraph"],
                    *LESSON["scenario"].values()]  # fmt: skip
    for title, texts in (
        (LESSON["title"], lesson_texts),
        (QUIZ["title"], [QUIZ["title"], QUIZ["slug"]]),
    ):
        editor.goto(f"/admin/pages/{french_module_id}/")
        editor.get_by_role("link", name=title, exact=True).click()
        assert sorted(translate_segments(editor, ui)) == sorted(texts)
        screenshots(editor, f"french {title} translated")

    # Then the quiz's questions: started from the English quiz's bank, translated one by one
    # in each question's French editor, and submitted for moderation.
    editor.goto(quiz_url)
    bank = editor.get_by_role("region", name=ui("Question bank"))
    bank.get_by_role(
        "button", name=ui("Start translating the questions into %(language)s", language=french)
    ).click()
    expect(messages(editor)).to_contain_text(
        ui("Started translating %(count)s questions into %(language)s.", count=5, language=french)
    )
    screenshots(editor, "question translations started")
    for number, question in enumerate(QUESTIONS, start=1):
        bank = editor.get_by_role("region", name=ui("Question bank"))
        bank.get_by_role("link", name=question["prompt"], exact=True).click()
        toggle_status_panel(editor, ui, expanded=False)
        locale_panel = editor.get_by_role("region", name=re.compile(re.escape(ui("Locale"))))
        locale_panel.get_by_role("button", name=ui("Switch locales")).click()
        locale_panel.get_by_role("link", name=french, exact=True).click()
        toggle_status_panel(editor, ui, expanded=True)  # Wagtail remembers it open
        assert sorted(translate_segments(editor, ui)) == sorted(question_texts(question))
        screenshots(editor, f"french question {number} translated")
        submit_translation(editor, ui)
        editor.goto(quiz_url)
    screenshots(editor, "questions translated")

    # The editor submits the French pages; converting one into an alias is refused.
    editor.goto(f"/admin/pages/{french_module_id}/edit/")
    submit_translation(editor, ui)
    for title in (LESSON["title"], QUIZ["title"]):
        editor.goto(f"/admin/pages/{french_module_id}/")
        editor.get_by_role("link", name=FRENCH[title], exact=True).click()
        expect(editor.get_by_role("link", name=ui.js("Convert to alias page"))).to_have_count(0)
        french_page_url = editor.url
        submit_translation(editor, ui)
        screenshots(editor, f"french {title} submitted")
    editor.goto(french_page_url.replace("/edit/", "/") .replace("/pages/", "/localize/page/")
                + "convert_to_alias/")  # fmt: skip
    expect(messages(editor)).to_contain_text(
        ui(
            "Only a moderator can convert a translation into an alias of its source page: "
            "it replaces the translated text with the source language, live at once."
        )
    )
    screenshots(editor, "alias conversion refused")

    # The moderator approves the French pages and questions; approving publishes them.
    approve_all(
        moderator,
        ui,
        [FRENCH[MODULE["title"]], FRENCH[LESSON["title"]], FRENCH[QUIZ["title"]],
         *(FRENCH[q["prompt"]] for q in QUESTIONS)],
    )  # fmt: skip
    screenshots(moderator, "french pages and questions approved")

    # Visitors find the module in both catalogues, and the French module leads to its lesson.
    visitor = windows.open()
    visitor.goto("/en/modules/")
    expect(visitor.get_by_role("link", name=MODULE["title"])).to_be_visible()
    screenshots(visitor, "english catalogue")
    visitor.goto("/fr/modules/")
    visitor.get_by_role("link", name=FRENCH[MODULE["title"]]).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(FRENCH[MODULE["title"]])
    screenshots(visitor, "french module")
    visitor.get_by_role("link", name=FRENCH[LESSON["title"]]).first.click()
    expect(visitor).to_have_url(re.compile(
        rf"/fr/modules/{FRENCH[MODULE['slug']]}/{FRENCH[LESSON['slug']]}/$"
    ))  # fmt: skip
    expect(visitor.get_by_role("heading", level=1)).to_have_text(FRENCH[LESSON["title"]])
    expect(visitor.get_by_text(FRENCH[LESSON["paragraph"]])).to_be_visible()
    expect(visitor.get_by_text(FRENCH[LESSON["scenario"]["title"]])).to_be_visible()
    screenshots(visitor, "french lesson")
    french_lesson_url = visitor.url

    # The editor rewrites the English lesson's paragraph and the moderator publishes it. The
    # editor syncs the translations: the live French lesson keeps its French text.
    editor.goto(f"/admin/pages/{lesson_id}/edit/")
    body = editor.get_by_role("region", name=ui.field(LessonPage, "body"))
    replace_rich_text(body.get_by_role("region", name=ui("Rich text")), LESSON["new_paragraph"])
    footer_action(editor, ui, submit)
    expect(messages(editor)).to_contain_text(LESSON["title"])
    approve_all(moderator, ui, [LESSON["title"]])
    editor.goto(f"/admin/pages/{lesson_id}/edit/")
    header_action(editor, ui, ui("Sync translated pages"))
    expect(editor.get_by_role("checkbox", name=re.compile(ui("Publish")))).to_have_count(0)
    screenshots(editor, "sync the translations")
    editor.get_by_role("button", name=ui("Submit"), exact=True).click()
    expect(messages(editor)).to_contain_text(LESSON["title"])
    visitor.goto(french_lesson_url)
    expect(visitor.get_by_text(FRENCH[LESSON["paragraph"]])).to_be_visible()
    expect(visitor.get_by_text(LESSON["new_paragraph"])).to_have_count(0)
    screenshots(visitor, "french lesson after the sync")

    # The editor translates the new paragraph and submits the French lesson; once the
    # moderator approves it, the live French lesson shows the new text, in French.
    editor.goto(f"/admin/pages/{french_module_id}/")
    editor.get_by_role("link", name=FRENCH[LESSON["title"]], exact=True).click()
    assert translate_segments(editor, ui) == [LESSON["new_paragraph"]]
    submit_translation(editor, ui)
    screenshots(editor, "french lesson update submitted")
    approve_all(moderator, ui, [FRENCH[LESSON["title"]]])
    visitor.goto(french_lesson_url)
    expect(visitor.get_by_text(FRENCH[LESSON["new_paragraph"]])).to_be_visible()
    for text in (LESSON["new_paragraph"], LESSON["paragraph"]):
        expect(visitor.get_by_text(text)).to_have_count(0)
    screenshots(visitor, "french lesson updated")

    assert windows.problems == []
    module = ModulePage.objects.get(pk=module_id)
    french_module = module.get_translation(Locale.objects.get(language_code="fr"))
    assert (module.live, french_module.live) == (True, True)
    assert french_module.title == FRENCH[MODULE["title"]]
    french_quiz = QuizPage.objects.get(pk=quiz_id).get_translation(french_module.locale)
    assert french_quiz.live
    assert sorted(
        Question.objects.filter(quiz=french_quiz, live=True).values_list("prompt", flat=True)
    ) == sorted(FRENCH[question["prompt"]] for question in QUESTIONS)
