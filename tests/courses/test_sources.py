"""Sources: the snippet, its address rule, the lesson block and the data-file importer."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from cms.services import TranslationImportError
from courses.demo import load
from courses.models import LessonPage, ModuleIndexPage, Source
from courses.services import module_import
from courses.validators import tracking_parameters

pytestmark = pytest.mark.django_db

SOURCES = {
    "en": [
        {
            "key": "test-human-rights-act",
            "title": "Human Rights Act",
            "publisher": "Nova Scotia Human Rights Commission",
            "year": 2024,
            "url": "https://example.org/en/act",
            "language": "en",
            "checked": datetime.date(2026, 11, 30),
        },
        {
            "key": "test-guide",
            "title": "Employer guide",
            "publisher": "Example Commission",
            "year": 2023,
            "url": "https://example.org/guide",
            "language": "en",
            "checked": "2026-11-29",
        },
    ],
    "fr": [
        {
            "key": "test-human-rights-act",
            "title": "Loi sur les droits de la personne",
            "publisher": "Commission des droits de la personne de la Nouvelle-Écosse",
            "year": 2024,
            "url": "https://example.org/fr/loi",
            "language": "fr",
            "checked": datetime.date(2026, 11, 30),
        },
        {
            "key": "test-guide",
            "title": "Guide de l’employeur",
            "publisher": "Commission exemple",
            "year": 2023,
            "url": "https://example.org/guide",
            "language": "en",
            "checked": "2026-11-29",
        },
    ],
}


def module_data(language: str, *, cited=("test-human-rights-act", "test-guide")) -> dict:
    """The first demo module reduced to one lesson ending with a sources block."""
    data = copy.deepcopy(load("intercultural-competency", language))
    data["key"] = "sources-test"
    data["slug"] = f"sources-test-{language}"
    data["sources"] = copy.deepcopy(SOURCES[language])
    lesson = data["lessons"][0]
    prose = [block for block in lesson["body"] if block["type"] != "sources"]
    lesson["body"] = [*prose, {"type": "sources", "value": list(cited)}]
    data["lessons"] = [lesson]
    english_slug = load("intercultural-competency", "en")["lessons"][0]["slug"]
    questions = [q for q in data["quiz"]["questions"] if q.get("lesson") == english_slug]
    data["quiz"]["questions"] = questions[:2]
    return data


def import_test_module(english: dict, french: dict):
    index = ModuleIndexPage.objects.get(locale__language_code="en")
    return module_import(
        index=index, source=english, translations={Locale.objects.get(language_code="fr"): french}
    )


def test_import_creates_one_source_row_per_language_sharing_a_translation_key():
    import_test_module(module_data("en"), module_data("fr"))

    english = Source.objects.get(key="test-human-rights-act", locale__language_code="en")
    french = Source.objects.get(key="test-human-rights-act", locale__language_code="fr")
    assert english.translation_key == french.translation_key
    assert (french.title, french.url, french.language) == (
        "Loi sur les droits de la personne",
        "https://example.org/fr/loi",
        "fr",
    )
    assert french.checked == datetime.date(2026, 11, 30)


def test_french_lesson_lists_the_french_sources_as_external_links(client):
    module = import_test_module(module_data("en"), module_data("fr"))
    lesson = LessonPage.objects.child_of(module).get()
    french_lesson = lesson.get_translation(Locale.objects.get(language_code="fr"))

    html = client.get(french_lesson.url).content.decode()

    sources = html.split('class="sources-block"')[1].split("</section>")[0]
    assert "<h2" in sources and "Sources" in sources
    assert (
        '<a class="external-link" href="https://example.org/fr/loi" rel="noopener">'
        "Loi sur les droits de la personne"
        '<span class="visually-hidden"> (site externe)</span></a>'
    ) in sources
    # A page in another language says so; its title is given in the page's language.
    assert 'href="https://example.org/guide" rel="noopener" hreflang="en">Guide de l’employeur' in (
        sources
    )
    assert "(en anglais)" in sources
    assert "target=" not in sources
    assert sources.index("Loi sur les droits") < sources.index("Guide de l’employeur")


def test_import_refuses_a_lesson_citing_an_unlisted_source():
    english = module_data("en", cited=("test-human-rights-act", "nowhere"))

    with pytest.raises(TranslationImportError, match="nowhere"):
        import_test_module(english, module_data("fr"))


def test_import_refuses_a_translation_whose_sources_differ():
    french = module_data("fr")
    french["sources"].reverse()

    with pytest.raises(TranslationImportError, match="sources differ"):
        import_test_module(module_data("en"), french)


def test_import_refuses_a_source_address_with_tracking_parameters():
    english = module_data("en")
    english["sources"][1]["url"] = "https://example.org/guide?utm_source=newsletter&page=2"

    with pytest.raises(ValidationError, match="utm_source"):
        import_test_module(english, module_data("fr"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.canada.ca/en/immigration.html", []),
        ("https://example.org/search?q=racism&page=2", []),
        ("https://example.org/?utm_source=x&utm_medium=email", ["utm_source", "utm_medium"]),
        ("https://example.org/page?fbclid=abc", ["fbclid"]),
        ("https://example.org/page?GCLID=abc", ["GCLID"]),
        ("https://example.org/page#utm_campaign=fall", ["utm_campaign"]),
        ("https://example.org/page#section-2", []),
    ],
)
def test_tracking_parameters_are_found_in_query_and_fragment(url, expected):
    assert tracking_parameters(url) == expected


def test_source_rejects_tracking_parameters_on_full_clean():
    source = Source(
        key="x",
        locale=Locale.objects.get(language_code="en"),
        title="T",
        publisher="P",
        year=2024,
        url="https://example.org/?mc_cid=1",
        language="en",
        checked=datetime.date(2026, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        source.full_clean()

    assert list(error.value.message_dict) == ["url"]
