"""What a signed-in learner's lesson page costs in queries, with the cache a fresh install
uses (local memory), where Wagtail keeps its site root paths."""

import pytest
from django.core.cache import cache

from learning import services
from tests.factories.courses import LessonPageFactory, ModulePageFactory, QuizPageFactory

LOCAL_MEMORY = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lesson-queries",
    }
}


@pytest.fixture
def local_cache(settings):
    settings.CACHES = LOCAL_MEMORY
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


@pytest.mark.parametrize("done", [0, 3])
def test_english_lesson_page_takes_twelve_queries(
    local_cache, signed_in, learner, module, lessons, done, django_assert_num_queries
):
    for lesson in lessons[:done]:
        services.lesson_complete(user=learner, lesson=lesson)
    signed_in.get(lessons[1].url)

    # Serving: site, locale, home page, the pages on the path (one query), the module's
    # lessons and quiz (the lesson and the outline come from them), view restrictions
    # (ancestors, restrictions). Session, user with the navigation's dashboard roles, the
    # enrolment with its lessons done, language alternates; the sources the lesson cites.
    with django_assert_num_queries(12):
        response = signed_in.get(lessons[1].url)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("done-mark") == done
    assert 'aria-current="page"' in html


@pytest.mark.parametrize("done", [0, 3])
def test_french_lesson_page_takes_thirteen_queries(
    local_cache, signed_in, learner, lessons, french, done, django_assert_num_queries
):
    for lesson in lessons[:done]:
        services.lesson_complete(user=learner, lesson=lesson)
    french_lesson = lessons[1].get_translation(french)
    signed_in.get(french_lesson.url)

    # As in English, and the French home page (the site's root page is the English one).
    with django_assert_num_queries(13):
        response = signed_in.get(french_lesson.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr-CA">' in html
    assert html.count("done-mark") == done


@pytest.mark.parametrize("count", [2, 8])
def test_lesson_page_queries_do_not_grow_with_the_module(
    local_cache, signed_in, learner, module, count, django_assert_num_queries
):
    other = ModulePageFactory(parent=module.get_parent())
    lessons = [LessonPageFactory(parent=other) for _ in range(count)]
    QuizPageFactory(parent=other)
    for lesson in lessons[:-1]:
        services.lesson_complete(user=learner, lesson=lesson)
    signed_in.get(lessons[-1].url)

    # The English lesson page's, less its sources (these lessons cite none), however many
    # lessons and lessons done.
    with django_assert_num_queries(11):
        response = signed_in.get(lessons[-1].url)

    assert response.content.decode().count("done-mark") == count - 1
