"""The editors' content review: sources due for a check, the lesson report."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from courses.content_review import lesson_reviews, sources_to_check
from courses.models import LessonPage, ModulePage, Source
from tests.factories.courses import LessonPageFactory, SourceFactory

pytestmark = pytest.mark.django_db


TODAY = datetime.date(2027, 3, 31)


def test_sources_to_check_lists_those_checked_twelve_months_ago_or_more_oldest_first():
    Source.objects.all().delete()
    due = SourceFactory(key="due", checked=datetime.date(2026, 3, 31))
    older = SourceFactory(key="older", checked=datetime.date(2025, 1, 2))
    SourceFactory(key="recent", checked=datetime.date(2026, 4, 1))

    assert list(sources_to_check(today=TODAY)) == [older, due]


def test_sources_to_check_handles_a_day_the_earlier_month_lacks():
    Source.objects.all().delete()
    due = SourceFactory(key="due", checked=datetime.date(2027, 2, 28))
    SourceFactory(key="recent", checked=datetime.date(2027, 3, 1))

    assert list(sources_to_check(today=datetime.date(2027, 3, 31), months=1)) == [due]


@time_machine.travel(datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC), tick=False)
def test_sources_to_check_command_prints_one_line_per_stale_source():
    Source.objects.all().delete()
    SourceFactory(
        key="nshrc-act",
        title="Human Rights Act",
        url="https://example.org/act",
        checked=datetime.date(2025, 12, 1),
    )
    SourceFactory(key="fresh", checked=datetime.date(2027, 1, 1))
    out = StringIO()

    call_command("sources_to_check", stdout=out)

    assert out.getvalue().splitlines() == [
        "2025-12-01  en  nshrc-act  Human Rights Act (Nova Scotia Human Rights Commission)  "
        "https://example.org/act",
        "1 sources to check.",
    ]


@time_machine.travel(datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC), tick=False)
def test_sources_to_check_command_says_when_none_are_due():
    Source.objects.all().delete()
    SourceFactory(checked=datetime.date(2027, 1, 1))
    out = StringIO()

    call_command("sources_to_check", stdout=out)

    assert out.getvalue() == "Every source was checked in the last 12 months.\n"


def lesson_with_sources(
    *, title="Reviewing a lesson", checked=(datetime.date(2026, 5, 1), datetime.date(2025, 2, 3))
):
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")
    first, second = (SourceFactory(checked=day) for day in checked)
    return LessonPageFactory(
        parent=module,
        title=title,
        body=[
            ("heading", {"text": "Two words", "level": "h2"}),
            ("paragraph", "<p>Welcome the <strong>whole</strong> family.</p>"),
            (
                "callout",
                {
                    "kind": "key_fact",
                    "title": "Short title",
                    "body": "<p>Five more words here.</p>",
                },
            ),
            ("sources", [first, second]),
        ],
    )


def test_lesson_reviews_count_words_sources_and_the_oldest_check():
    lesson = lesson_with_sources()

    review = next(r for r in lesson_reviews() if r.lesson.pk == lesson.pk)

    # heading 2 + paragraph 4 + callout title 2 and body 4; settings ("key_fact") not counted.
    assert (review.words, review.sources, review.oldest_check) == (
        12,
        2,
        datetime.date(2025, 2, 3),
    )
    assert review.module_title == "Intercultural competency at work"
    assert review.reading_ease is not None
    assert review.check_due(today=datetime.date(2026, 2, 3))
    assert not review.check_due(today=datetime.date(2026, 2, 2))


def test_lesson_reviews_list_every_lesson_once_per_language_translations_side_by_side():
    reviews = lesson_reviews()

    assert len(reviews) == LessonPage.objects.count()
    english = [r for r in reviews if r.language == "en"]
    for review in english:
        position = reviews.index(review)
        assert reviews[position + 1].lesson.translation_key == review.lesson.translation_key
        assert reviews[position + 1].language == "fr"


def test_lesson_reviews_score_french_with_french_constants():
    french = next(r for r in lesson_reviews() if r.language == "fr")

    assert 0 < french.reading_ease < 120


def test_lesson_review_report_renders_rows_linking_to_the_editor(admin_client):
    lesson = lesson_with_sources()

    html = admin_client.get("/admin/courses/lesson-review/").content.decode()

    row = html.split(f'href="/admin/pages/{lesson.pk}/edit/"', 1)[1].split("</tr>", 1)[0]
    assert "Reviewing a lesson" in row
    assert "<td>12 <span" in row and "Too short" in row
    assert "Check due" in row
    assert html.split("<tbody>", 1)[1].count("<tr>") == LessonPage.objects.count()


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(email="admin@example.com"))
    return client


def test_lesson_review_report_is_for_admin_users_only(client, django_user_model):
    user = django_user_model.objects.create_user(email="reader@example.com", password="x" * 12)
    client.force_login(user)

    response = client.get("/admin/courses/lesson-review/")

    assert response.status_code in (302, 403)


@pytest.mark.parametrize("extra_lessons", [1, 4])
def test_lesson_review_report_queries_do_not_grow_with_lessons(
    admin_client, django_assert_num_queries, extra_lessons
):
    for number in range(extra_lessons):
        lesson_with_sources(title=f"Extra lesson {number}")
    admin_client.get("/admin/courses/lesson-review/")  # warm the admin's caches

    # session, user, user profile; lessons with their locales, their modules, the cited
    # sources' check dates; locales, and the admin menu's two page queries.
    with django_assert_num_queries(9):
        admin_client.get("/admin/courses/lesson-review/")
