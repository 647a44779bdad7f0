"""French typography: the rules, the rendering filter on French pages, and the catalogs."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.html import strip_tags
from wagtail.models import Locale

from cms.management.commands.typeset_french_catalogs import french_catalogs
from cms.typography import french_catalog, french_html, french_message, french_text
from courses.models import LessonPage

NB = "\u00a0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Attention : lisez", f"Attention{NB}: lisez"),
        ("Attention: lisez", f"Attention{NB}: lisez"),
        (f"Attention{NB}: lisez", f"Attention{NB}: lisez"),
        ("Étape 1 :", f"Étape 1{NB}:"),
        ("« Bonjour »", f"«{NB}Bonjour{NB}»"),
        ("«Bonjour»", f"«{NB}Bonjour{NB}»"),
        ("Vraiment ? Oui ! Bien ; fin", "Vraiment? Oui! Bien; fin"),
        (f"Vraiment{NB}?", "Vraiment?"),
        ("À 9 h 30 ou à 9:30", "À 9 h 30 ou à 9:30"),
        ("Voir https://www.canada.ca/fr.html?a=1", "Voir https://www.canada.ca/fr.html?a=1"),
        ("Ratio 1:2, heure 14:00", "Ratio 1:2, heure 14:00"),
    ],
)
def test_french_text_sets_canadian_spacing(text, expected):
    assert french_text(text) == expected


def test_french_html_handles_text_in_links_and_bold_runs():
    html = (
        '<p><strong>Attention</strong> : lisez <a href="https://example.org/a?b=1">le '
        '<em>guide</em></a> ! Il dit «<strong>bienvenue</strong>» ; « <a href="/x">ici</a> »'
        "</p>"
    )

    assert french_html(html) == (
        f'<p><strong>Attention</strong>{NB}: lisez <a href="https://example.org/a?b=1">le '
        f"<em>guide</em></a>! Il dit «{NB}<strong>bienvenue</strong>{NB}»; «{NB}"
        f'<a href="/x">ici</a>{NB}»</p>'
    )


def test_french_html_leaves_other_attributes_urls_code_and_english_passages_alone():
    html = (
        '<p data-x="« a »" class="a : b">Voir https://example.org/?q=1 à 9 h 30 : '
        '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1</a> ; '
        '<span lang="en" title="Note: English !">Note: this is English ! Really ?</span> '
        '<input value="a : b ?"> <code>a : b ?</code> fin ?</p>'
    )

    assert french_html(html) == (
        f'<p data-x="« a »" class="a : b">Voir https://example.org/?q=1 à 9 h 30{NB}: '
        '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1</a>; '
        '<span lang="en" title="Note: English !">Note: this is English ! Really ?</span> '
        '<input value="a : b ?"> <code>a : b ?</code> fin?</p>'
    )


def test_french_html_sets_spacing_in_the_attributes_people_read():
    html = (
        '<img alt="Deux « collègues » : un atelier" src="/a.png">'
        "<abbr title='Programme : PICA'>PICA</abbr>"
        '<a href="/x?a=1" aria-label="Suivant : leçon 2">→</a>'
        '<input type="search" placeholder="Chercher ?">'
        '<input type="submit" value="Envoyer !">'
    )

    assert french_html(html) == (
        f'<img alt="Deux «{NB}collègues{NB}»{NB}: un atelier" src="/a.png">'
        f"<abbr title='Programme{NB}: PICA'>PICA</abbr>"
        f'<a href="/x?a=1" aria-label="Suivant{NB}: leçon 2">→</a>'
        '<input type="search" placeholder="Chercher?">'
        '<input type="submit" value="Envoyer!">'
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Times, in the French style and the 24-hour one, inside guillemets and bold runs.
        ("<p>De <b>9 h 30</b> à 14:00 : « 9 h 30 »</p>",
         f"<p>De <b>9 h 30</b> à 14:00{NB}: «{NB}9 h 30{NB}»</p>"),
        # A URL as a link's text, then punctuation.
        ('<p>Voir <a href="https://x.org/?a=1">https://x.org/?a=1</a> !</p>',
         '<p>Voir <a href="https://x.org/?a=1">https://x.org/?a=1</a>!</p>'),
        # An e-mail address.
        ("<p>Écrivez à aide@example.org ?</p>", "<p>Écrivez à aide@example.org?</p>"),
        # Punctuation closing a bold run inside a link.
        ('<p><a href="/a"><strong>Attention</strong></a> : « <em>oui</em> » ?</p>',
         f'<p><a href="/a"><strong>Attention</strong></a>{NB}: «{NB}<em>oui</em>{NB}»?</p>'),
        # An English passage keeps its own spacing, the French around it is set.
        ('<p>Le titre <cite lang="en">Note: why ?</cite> : lisez-le !</p>',
         f'<p>Le titre <cite lang="en">Note: why ?</cite>{NB}: lisez-le!</p>'),
    ],
)  # fmt: skip
def test_french_html_keeps_urls_times_and_english_as_they_are(html, expected):
    assert french_html(html) == expected


def test_french_html_takes_french_back_inside_an_english_passage():
    html = '<div lang="en">Why ? <q lang="fr-CA">Pourquoi ?</q> Why ?</div>'

    assert french_html(html) == '<div lang="en">Why ? <q lang="fr-CA">Pourquoi?</q> Why ?</div>'


def test_french_html_keeps_entities_and_comments():
    html = "<p>A &amp; B &lt; C : D&nbsp;? <!-- note : ici --></p>"

    assert french_html(html) == f"<p>A &amp; B &lt; C{NB}: D&nbsp;? <!-- note : ici --></p>"


def test_french_html_keeps_entities_as_written_whether_or_not_the_text_changes():
    assert french_html("<p>L&#x27;équipe ?</p>") == "<p>L&#x27;équipe?</p>"
    assert french_html("<p>L&#x27;équipe</p>") == "<p>L&#x27;équipe</p>"


def test_french_html_leaves_scripts_and_styles_as_they_are():
    script = '<script>if (a < b && c) { x = "Oui : non ?"; }</script>'
    html = f"{script}<style>a:hover{{}}</style><p>Oui ?</p>"

    assert french_html(html) == f"{script}<style>a:hover{{}}</style><p>Oui?</p>"


def test_typography_filter_applies_on_french_only():
    template = Template(
        "{% load typography %}{% filter typography %}<p>Note : « oui » ?</p>{% endfilter %}"
    )

    with translation.override("fr"):
        french = template.render(Context())
    with translation.override("en"):
        english = template.render(Context())

    assert french == f"<p>Note{NB}: «{NB}oui{NB}»?</p>"
    assert english == "<p>Note : « oui » ?</p>"


def test_typography_filter_escapes_plain_strings():
    template = Template("{% load typography %}{{ value|typography }}")

    with translation.override("fr"):
        html = template.render(Context({"value": "<b>Note</b> : oui"}))

    assert html == f"&lt;b&gt;Note&lt;/b&gt;{NB}: oui"


def _content(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.django_db
def test_french_lesson_page_is_typeset_and_english_one_is_not(client):
    english = LessonPage.objects.filter(locale__language_code="en").order_by("path").first()
    english.body.raw_data.append(
        {"type": "paragraph", "value": "<p>Note : « oui » ?</p>", "id": "typography-test"}
    )
    english.save()
    french = english.get_translation(Locale.objects.get(language_code="fr"))
    french.body.raw_data.append(
        {
            "type": "paragraph",
            "value": '<p><strong>Attention</strong> : « <a href="https://example.org/a?b=1">'
            "le guide</a> » ; à 9 h 30 ?</p>",
            "id": "typography-test",
        }
    )
    french.save()

    french_html_page = _content(client.get(french.url).content.decode())
    english_html_page = _content(client.get(english.url).content.decode())

    assert (
        f'<p><strong>Attention</strong>{NB}: «{NB}<a href="https://example.org/a?b=1">'
        f"le guide</a>{NB}»; à 9 h 30?</p>"
    ) in french_html_page
    text = strip_tags(french_html_page)
    assert " :" not in text and " ?" not in text and "« " not in text
    assert "<p>Note : « oui » ?</p>" in english_html_page


def test_french_catalog_rewrites_only_translations_that_need_it():
    catalog = (
        'msgid ""\n'
        'msgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        "#: a.py:1\n"
        'msgid "Note: read"\n'
        'msgstr "Note : lisez"\n'
        "\n"
        'msgid ""\n'
        '"A long message: "\n'
        '"wrapped"\n'
        'msgstr ""\n'
        '"Un long message : "\n'
        '"sur deux lignes"\n'
        "\n"
        'msgid "Done?"\n'
        'msgstr "Fini?"\n'
        "\n"
        'msgid "One file"\n'
        'msgid_plural "Files: %(n)s"\n'
        'msgstr[0] "Un fichier"\n'
        'msgstr[1] "Fichiers : %(n)s"\n'
    )

    text, changes = french_catalog(catalog)

    assert text == (
        catalog.replace('msgstr "Note : lisez"', f'msgstr "Note{NB}: lisez"')
        .replace(
            'msgstr ""\n"Un long message : "\n"sur deux lignes"',
            f'msgstr "Un long message{NB}: sur deux lignes"',
        )
        .replace('msgstr[1] "Fichiers : %(n)s"', f'msgstr[1] "Fichiers{NB}: %(n)s"')
    )
    assert len(changes) == 3


def test_french_message_treats_markup_as_html():
    assert french_message('Voir <a href="https://x.org/?a=1">ici</a> : oui') == (
        f'Voir <a href="https://x.org/?a=1">ici</a>{NB}: oui'
    )


@pytest.mark.parametrize(
    "catalog",
    french_catalogs(Path(settings.BASE_DIR)),
    ids=lambda path: str(path.relative_to(settings.BASE_DIR)),
)
def test_french_catalog_translations_follow_french_spacing(catalog):
    """Run ``manage.py typeset_french_catalogs`` to fix what this finds."""
    _text, changes = french_catalog(catalog.read_text(encoding="utf-8"))

    assert [after for _before, after in changes] == []
