"""Every French page of the demo follows Canadian French typography, as a visitor and as each
signed-in role sees it: a no-break space before « : » and inside « », no space before
« ; ! ? », in content and interface, text and attributes (tests/cms/french_pages.py)."""

import time

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation
from wagtail.models import Page

from courses.models import LessonPage, ModulePage, QuizPage
from tests.cms.french_pages import (
    BREAK,
    ROLES,
    Crawl,
    Problem,
    crawl_from,
    french_site_crawl,
    page_problems,
    text_problems,
)

NB = "\u00a0"


@pytest.fixture(scope="module")
def french_crawl(django_db_setup, django_db_blocker):
    """The crawl of the seeded demo, once for this module; what it changes (attempts,
    invitations, sign-ins) is rolled back."""
    with django_db_blocker.unblock(), translation.override("en"), transaction.atomic():
        started = time.monotonic()
        crawl = french_site_crawl()
        crawl.seconds = time.monotonic() - started
        transaction.set_rollback(True)
    return crawl


@pytest.mark.django_db  # runs with the seeded database, before transactional tests flush it
def test_french_pages_follow_french_typography(french_crawl):
    problems = french_crawl.problems()

    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_french_crawl_reaches_every_kind_of_page(french_crawl):
    visited = {(visit.role, visit.path.split("?")[0]) for visit in french_crawl.visits}
    labels = {visit.label for visit in french_crawl.visits if visit.label}
    french = Page.objects.live().filter(locale__language_code="fr", depth__gt=1).specific()
    lessons = LessonPage.objects.live().filter(locale__language_code="fr")
    quizzes = QuizPage.objects.live().filter(locale__language_code="fr")

    # Home, about, module index, program, modules, lessons, quizzes: every page of the site.
    assert {page.url for page in french} <= {path for role, path in visited if role == "visitor"}
    assert ModulePage.objects.live().filter(locale__language_code="fr").count() == 4
    for role in ROLES:
        seen = {path for who, path in visited if who == role}
        assert {page.url for page in [*lessons, *quizzes]} <= seen, role
        assert {"/fr/", "/fr/my-learning/", "/fr/certificates/", "/fr/accounts/my-data/"} <= seen
    signed_in = {path for role, path in visited if role != "visitor"}
    assert any(path.startswith("/fr/my-learning/attempts/") for path in signed_in)
    assert any(path.startswith("/fr/certificates/module/") for path in signed_in)
    assert any(path.startswith("/fr/employer/") for path in signed_in)
    assert any(path.startswith("/fr/spo/") for path in signed_in)
    assert {"/fr/verify/manage/", "/fr/verify/bulk/"} <= signed_in
    verify = [path for role, path in visited if path.startswith("/fr/verify/")]
    assert len(verify) >= 6  # the form, the guide, and a valid, revoked and expired code
    assert {
        "sign in with a wrong password",
        "access request with errors",
        "sign-up from the employer invitation with errors",
        "quiz attempt with errors",
        "quiz results, not passed",
        "invite staff with errors",
        "invite an employer with errors",
    } <= labels
    assert french_crawl.seconds < 180


# -- The checker ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Attention : lisez", "a no-break space before « : »"),
        ("Attention: lisez", "a no-break space before « : »"),
        ("Statut :", "a no-break space before « : »"),
        (f"«{NB}oui»", "a no-break space before »"),
        (f"«oui{NB}»", "a no-break space after «"),
        ("Vraiment ?", "no space before « ; ! ? »"),
        (f"Vraiment{NB}!", "no space before « ; ! ? »"),
        ("un ; deux", "no space before « ; ! ? »"),
    ],
)
def test_text_problems_finds_each_mistake(text, rule):
    assert [problem.rule for problem in text_problems(text)] == [rule]


@pytest.mark.parametrize(
    "text",
    [
        f"Attention{NB}: «{NB}oui{NB}»? Oui! Un; deux",
        "Attention\u202f: «\u202foui\u202f»",
        "Réunion à 9 h 30, à 9:30 ou à 14:00.",
        "Voir https://www.canada.ca/fr.html?a=1; ou http://localhost:8000/fr/!",
        "Écrivez à aide@example.org?",
        f"Titre{BREAK}: une ligne qui commence par un deux-points",
    ],
)
def test_text_problems_accepts_french_spacing_urls_addresses_and_times(text):
    assert text_problems(text) == []


def test_page_problems_reads_text_across_links_and_bold_runs():
    html = '<p><strong>Attention</strong> : lisez <a href="/x">le <b>guide</b></a> !</p>'

    assert [problem.rule for problem in page_problems(html)] == [
        "a no-break space before « : »",
        "no space before « ; ! ? »",
    ]


def test_page_problems_checks_the_attributes_people_read():
    html = (
        '<img alt="Deux « collègues »"><abbr title="Programme : PICA">PICA</abbr>'
        '<nav aria-label="Suivant ?"></nav><input placeholder="Nom :">'
        '<input type="submit" value="Envoyer !"><input type="text" value="a : b ?">'
        '<a href="/x?a=1" data-x="« a »" class="a : b">ok</a>'
    )

    assert sorted(problem.where for problem in page_problems(html)) == [
        "<abbr title>",
        "<img alt>",
        "<img alt>",
        "<input placeholder>",
        "<input value>",
        "<nav aria-label>",
    ]


def test_page_problems_skips_code_scripts_and_english_passages():
    html = (
        "<head><title>Accueil · Milieux de travail accueillants</title>"
        "<style>a:hover { color: red !important; }</style></head><body>"
        "<script>if (a ? b : c) { go(); }</script><pre>a : b ?</pre><code>x ; y</code>"
        '<p lang="en" title="Note: a title ?">Note : English ? <span title="x ?">y</span></p>'
        '<a hreflang="en" lang="en" href="/en/">English</a>'
        f'<p>Le titre <cite lang="en">Why ?</cite>{NB}: lisez-le.</p></body>'
    )

    assert page_problems(html) == []


def test_page_problems_reports_the_place_of_the_mistake():
    (problem,) = page_problems("<h1>Leçon</h1><p>Étape 1 : lire</p>")

    assert problem == Problem("a no-break space before « : »", "Leçon | Étape 1 : lire")
    assert str(problem) == "a no-break space before « : » (text): «Leçon | Étape 1 : lire»"


@pytest.mark.urls("tests.cms.planted_urls")
def test_crawl_follows_french_links_and_reports_planted_mistakes():
    crawl = Crawl()

    crawl_from(crawl, Client(), "visitor", ["/fr/first/"])

    assert [visit.path for visit in crawl.visits] == ["/fr/first/", "/fr/second/?page=2"]
    assert crawl.problems() == [
        "[visitor] /fr/first/: a no-break space before « : » (text): «Étape 1 : lire la suite ? | "
        "encore PDF E»",
        "[visitor] /fr/first/: no space before « ; ! ? » (text): «Étape 1 : lire la suite ? | "
        "encore PDF English ailleurs»",
        "[visitor] /fr/second/?page=2: a no-break space after « (<img alt>): «Deux « collègues »»",
        "[visitor] /fr/second/?page=2: a no-break space before » (<img alt>): «Deux « collègues »»",
    ]
