"""Finding the page a URL names (cms.routing.PathRoutingMixin): what Wagtail's routing finds,
with one query for the pages on the path."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from cms.models import ContentPage, HomePage
from courses.models import LessonPage, ModuleIndexPage, ModulePage

pytestmark = pytest.mark.django_db


def home(language: str = "en") -> HomePage:
    return HomePage.objects.get(locale__language_code=language)


def components(root: Page, page: Page) -> list[str]:
    return [part for part in page.url_path[len(root.url_path) :].split("/") if part]


def route(root: Page, path: list[str]):
    return root.route(RequestFactory().get("/"), path)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_live_page_is_found_with_its_own_type(language):
    root = home(language)
    pages = list(root.get_descendants().live().specific())

    found = [route(root, components(root, page)).page for page in pages]

    assert len(pages) > 20
    assert [(type(page), page.pk) for page in found] == [(type(page), page.pk) for page in pages]


@pytest.mark.parametrize(
    "path",
    [
        ["no-such-page"],
        ["modules", "no-such-module"],
        ["modules", "intercultural-competency-at-work", "no-such-lesson"],
        ["modules", "intercultural-competency-at-work", "assessment", "below-the-quiz"],
    ],
)
def test_a_path_naming_no_page_is_not_found(path):
    with pytest.raises(Http404):
        route(home(), path)


def test_a_draft_page_is_not_found_but_what_is_live_below_a_draft_is():
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")
    lesson = LessonPage.objects.child_of(module).order_by("path").first()
    module.unpublish()
    lesson.refresh_from_db()
    path = components(home(), lesson)

    with pytest.raises(Http404):
        route(home(), path[:-1])
    assert route(home(), path).page.pk == lesson.pk


def test_a_slug_used_in_two_places_finds_the_page_under_the_right_parent():
    about = ContentPage.objects.get(slug="about", locale__language_code="en")
    help_top = home().add_child(instance=ContentPage(title="Help", slug="help"))
    help_below = about.add_child(instance=ContentPage(title="Help", slug="help"))

    assert route(home(), ["help"]).page.pk == help_top.pk
    assert route(home(), ["about", "help"]).page.pk == help_below.pk


def test_sub_routes_of_the_catalogue_still_answer():
    result = route(home(), ["modules", "feed", "rss"])

    assert isinstance(result.page, ModuleIndexPage)
    assert result.args[0].__name__ == "feed_rss"


def test_a_lesson_is_found_with_two_queries_and_knows_its_ancestors(django_assert_num_queries):
    root = home()
    lesson = LessonPage.objects.filter(locale__language_code="en").order_by("path").first()
    path = components(root, lesson)

    # The pages on the path, then the module's lessons and quiz (the lesson is one of them).
    with django_assert_num_queries(2):
        found = route(root, path).page
    with django_assert_num_queries(0):
        ancestors = [found.get_parent(), found.get_parent().get_parent()]

    assert [type(page) for page in ancestors] == [ModulePage, ModuleIndexPage]
    assert ancestors[1].get_parent() is root
