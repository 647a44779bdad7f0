"""The catalogue, module, lesson and quiz pages as visitors see them."""

import re
from html import unescape as html_unescape

import pytest
from wagtail.models import Page

from cms.typography import french_text
from courses.models import LessonPage, ModulePage
from tests.factories.courses import (
    LessonPageFactory,
    ModulePageFactory,
    ProgramPageFactory,
    QuizPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "fr"])
def test_seeded_catalogue_lists_the_four_modules(client, language):
    response = client.get(f"/{language}/modules/")

    html = response.content.decode()
    assert response.status_code == 200
    section = html.split('id="modules-heading"')[1]
    modules = re.findall(r'<li class="card">\s*<h3><a href="([^"]+)">([^<]+)</a>', section)
    assert len(modules) == 4
    assert all(url.startswith(f"/{language}/modules/") for url, _title in modules)
    titles = ModulePage.objects.filter(locale__language_code=language).values_list(
        "title", flat=True
    )
    # French pages set French spacing (cms.typography), in titles too.
    typeset = french_text if language == "fr" else str
    assert sorted(html_unescape(t) for _u, t in modules) == sorted(map(typeset, titles))


def test_seeded_modules_are_translated_page_by_page():
    for module in ModulePage.objects.filter(locale__language_code="en"):
        french = module.get_translation(module.locale.__class__.objects.get(language_code="fr"))
        english_steps = module.get_children().live().count()
        assert french.live
        assert french.get_children().live().count() == english_steps >= 5
        assert french.title != module.title


def test_module_page_shows_outline_objectives_and_review_date(client):
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")

    html = client.get(module.url).content.decode()

    lessons = LessonPage.objects.child_of(module).live()
    for lesson in lessons:
        assert lesson.title.replace('"', "&quot;") in html
    assert "By the end you can" in html
    assert "Content last reviewed on" in html
    assert "Pass mark: 80%" in html


def test_french_module_page_is_in_french(client):
    module = ModulePage.objects.filter(locale__language_code="fr").first()

    page = client.get(module.url).content.decode()

    assert '<html lang="fr-CA">' in page
    assert "À la fin, vous pourrez" in page


def test_lesson_page_has_module_navigation_and_next_step(client):
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")
    first, second = LessonPage.objects.child_of(module).order_by("path")[:2]

    html = client.get(first.url).content.decode()

    assert 'aria-current="page"' in html
    assert f'rel="next" href="{second.url}"' in html
    assert 'rel="prev"' not in html


def module_with_lessons(catalogue, count: int):
    modules = []
    for number in range(count):
        module = ModulePageFactory(parent=catalogue, title=f"Module {number}")
        LessonPageFactory(parent=module)
        LessonPageFactory(parent=module)
        QuizPageFactory(parent=module)
        modules.append(module)
    return modules


@pytest.mark.parametrize("count", [1, 5])
def test_catalogue_query_count_does_not_grow_with_modules(
    client, catalogue, count, django_assert_num_queries
):
    module_with_lessons(catalogue, count)
    ProgramPageFactory(parent=catalogue)
    client.get(catalogue.url)

    # Serving (tests run without a cache): site, locale, three routing steps, alias check,
    # view restrictions. Then two for the public() filter's restrictions, site root paths,
    # language alternates, modules with their lesson counts, programs with module counts.
    with django_assert_num_queries(14):
        response = client.get(catalogue.url)

    assert response.content.decode().count('<li class="card">') == count + 1


@pytest.mark.parametrize("count", [1, 5])
def test_module_page_query_count_does_not_grow_with_modules(
    client, catalogue, count, django_assert_num_queries
):
    module = module_with_lessons(catalogue, count)[0]
    client.get(module.url)

    # Serving (tests run without a cache): site, locale, home page, the pages on the path,
    # the module's own fields, view restrictions (ancestors, restrictions). Then the
    # module's lessons and quiz, language alternates, site root paths (two).
    with django_assert_num_queries(11):
        response = client.get(module.url)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_lesson_page_query_count_does_not_grow_with_lessons(
    client, catalogue, count, django_assert_num_queries
):
    module = ModulePageFactory(parent=catalogue)
    lessons = [LessonPageFactory(parent=module) for _ in range(count)]
    QuizPageFactory(parent=module)
    client.get(lessons[0].url)

    # Serving: site, locale, home page, the pages on the path, the module's lessons and quiz
    # (the lesson comes from them, and so does the outline), view restrictions (ancestors,
    # restrictions). Then language alternates, site root paths (two).
    with django_assert_num_queries(10):
        response = client.get(lessons[0].url)

    assert response.status_code == 200


EVERY_BLOCK = [
    ("heading", {"text": "A heading", "level": "h2"}),
    ("paragraph", "<p>Some <strong>rich</strong> text.</p>"),
    ("callout", {"kind": "warning", "title": "Careful", "body": "<p>Mind this.</p>"}),
    ("quote", {"text": "Small centres, big impact.", "attribution": "A", "source": "B"}),
    (
        "video",
        {
            "title": "Welcome video",
            "video": "https://www.youtube.com/watch?v=unreachable",
            "transcript": "<p>The transcript.</p>",
        },
    ),
    (
        "accordion",
        {"title": "FAQ", "items": [{"question": "Why?", "answer": "<p>Because.</p>"}]},
    ),
    (
        "scenario",
        {
            "title": "The quiet hire",
            "situation": "<p>Never asks.</p>",
            "question": "What now?",
            "expert_answer": "<p>Ask privately.</p>",
        },
    ),
    ("checklist", {"title": "Day one", "intro": "Do these.", "items": ["Name a buddy"]}),
    ("key_takeaways", {"title": "Takeaways", "items": ["Listen first"]}),
    (
        "knowledge_check",
        {
            "question": "Who welcomes?",
            "choices": [
                {"text": "Everyone", "correct": True, "feedback": "Yes."},
                {"text": "Nobody", "correct": False, "feedback": "No."},
            ],
        },
    ),
]


def test_every_lesson_block_renders(client, module):
    lesson = LessonPageFactory(parent=module, body=EVERY_BLOCK)

    html = client.get(lesson.url).content.decode()

    for expected in [
        "<h2>A heading</h2>",
        "<strong>rich</strong>",
        "Careful",
        "<blockquote>",
        "The transcript.",
        "<summary>Why?</summary>",
        "Show the expert answer",
        "Name a buddy",
        "Listen first",
        "Check your understanding (not graded)",
    ]:
        assert expected in html, expected


def test_image_block_requires_alternative_text():
    from django.core.exceptions import ValidationError

    from cms.blocks import ImageBlock

    with pytest.raises(ValidationError):
        ImageBlock().clean({"image": None, "alt_text": "  ", "caption": ""})


def test_video_block_requires_a_transcript():
    from django.core.exceptions import ValidationError

    from cms.blocks import VideoBlock

    block = VideoBlock()
    value = block.to_python({"title": "T", "video": "https://vimeo.com/1", "transcript": ""})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_every_struct_block_has_icon_template_and_preview():
    from wagtail import blocks

    from courses.blocks import LessonStreamBlock

    for name, block in LessonStreamBlock().child_blocks.items():
        if isinstance(block, blocks.StructBlock):
            assert block.meta.icon, name
            assert block.meta.template, name
            assert block.meta.preview_value, name


def test_program_lists_its_modules_in_the_page_language(client):
    program = Page.objects.get(slug="programme-competences-interculturelles-pica")

    html = client.get(program.url).content.decode()

    assert html.count("/fr/modules/") >= 3
    assert "/en/modules/intercultural" not in html
