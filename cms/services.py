"""Writes for the site's pages (locales, page creation from data files, translations), and
the one way every app sends email."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from email.utils import formataddr, parseaddr

import polib
from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.defaultfilters import urlize
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.models import Locale, TranslatableMixin
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.segments.extract import extract_segments

from cms.tasks import email_send

# Block ids are derived from the data file's key and the block's position, so that the English
# and French builds of the same file pair up segment by segment.
BLOCK_ID_NAMESPACE = uuid.UUID("9a2d3c1e-5b8f-4f7a-8e61-0c4b2f7d9e10")


# In a text email, the line that separates the message from its footer (why the recipient
# gets it, how to stop the optional ones).
FOOTER_SEPARATOR = "\n--\n"


def email_sender(language: str) -> str:
    """``DEFAULT_FROM_EMAIL``'s address under the site's name in ``language``."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    with translation.override(language):
        return formataddr((gettext("Welcoming Workplaces"), address))


def email_html(*, subject: str, text: str, language: str) -> str:
    """The HTML part of an email whose plain-text part is ``text``: the same words in the
    site's one email layout (``cms/emails/base.html``), paragraphs kept, addresses as links,
    the footer set apart. Nothing in ``text`` is trusted: it is escaped first."""
    body, _separator, footer = text.partition(FOOTER_SEPARATOR)

    def paragraphs(value: str) -> str:
        # urlize escapes everything but the links it makes; linebreaks then only adds tags.
        return mark_safe(linebreaks(urlize(value.strip(), autoescape=True), autoescape=False))

    with translation.override(language):
        return render_to_string(
            "cms/emails/base.html",
            {
                "subject": subject,
                "language": language,
                "body_html": paragraphs(body),
                "footer_html": paragraphs(footer) if footer.strip() else "",
            },
        )


def text_render(template_name: str, context: dict) -> str:
    """Render a plain-text template: without HTML escaping ("Smith & Sons" stays as it is).
    Values that come from people go through validators that refuse line breaks and other
    control characters (``cms.validators.validate_single_line``), and templates put them
    through ``|oneline``, so they cannot add lines to a message."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_queue(*, to: str, language: str, template: str, context: dict) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in ``language`` and queue the
    email, with its HTML part (``email_html``) and the sender named in ``language``, for when
    the current transaction commits. Templates also get ``language`` and ``site_url`` (links
    are written ``{{ site_url }}{% url ... %}``: reversed in the recipient's language, they
    start with ``/<language>/``)."""
    with translation.override(language):
        context = {**context, "language": language, "site_url": settings.SITE_URL}
        subject = text_render(f"{template}_subject.txt", context)
        body = text_render(f"{template}.txt", context)
    subject = " ".join(subject.split())
    email_send_on_commit(to=to, language=language, subject=subject, body=body)


def email_send_on_commit(*, to: str, language: str, subject: str, body: str) -> None:
    """Queue a rendered plain-text email (with its HTML part and the sender in ``language``)
    for when the current transaction commits."""
    html = email_html(subject=subject, text=body, language=language)
    sender = email_sender(language)
    transaction.on_commit(
        lambda: email_send.delay(subject=subject, body=body, to=[to], html=html, sender=sender)
    )


class TranslationImportError(Exception):
    """The translated data does not have the shape of its source."""


def locales_ensure() -> dict[str, Locale]:
    """Make sure a Wagtail locale exists for every site language; returns them by code."""
    return {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.LANGUAGES
    }


def block_id(*parts: object) -> str:
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, "/".join(str(p) for p in parts)))


def stream_data(blocks: Iterable[dict], *, key: str) -> list[dict]:
    """Turn ``[{"type": ..., "value": ...}]`` from a data file into StreamField raw data.

    Every block, and every item of a list value, gets a deterministic id under ``key``.
    """
    raw = []
    for index, block in enumerate(blocks):
        block_key = f"{key}/{index}"
        raw.append(
            {
                "type": block["type"],
                "value": _with_list_ids(block["value"], key=block_key),
                "id": block_id(block_key),
            }
        )
    return raw


def _with_list_ids(value, *, key: str):
    if isinstance(value, dict):
        return {k: _with_list_ids(v, key=f"{key}/{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [
            {
                "type": "item",
                "value": _with_list_ids(item, key=f"{key}/{i}"),
                "id": block_id(key, i),
            }
            for i, item in enumerate(value)
        ]
    return value


@transaction.atomic
def translation_import(
    *,
    source: TranslatableMixin,
    translated: TranslatableMixin,
    locale: Locale,
    user=None,
    publish: bool = True,
) -> TranslatableMixin:
    """Translate ``source`` (a page or snippet) into ``locale`` with wagtail-localize, as a
    translator's PO file would.

    ``translated`` is an unsaved object of the same type and shape as ``source`` carrying the
    other language's text (built from the other language's data file; child objects carry their
    source's ``translation_key``). Its strings are paired with the source's segment by segment
    and imported through ``Translation.import_po``; the translation is then saved by
    ``Translation.save_target`` and, with ``publish``, published.

    Raises TranslationImportError when the two objects' segments do not pair up.
    """
    source_segments = _string_segments(source)
    target_segments = _string_segments(translated)
    if [(c, len(v)) for c, v in source_segments.items()] != [
        (c, len(v)) for c, v in target_segments.items()
    ]:
        missing = set(source_segments) ^ set(target_segments)
        raise TranslationImportError(
            f"{source}: translated content does not match the source's shape "
            f"(differing segments: {sorted(missing)[:5]})"
        )

    translation_source, _created = TranslationSource.update_or_create_from_instance(source)
    translation, _created = Translation.objects.get_or_create(
        source=translation_source, target_locale=locale, defaults={"enabled": True}
    )
    po = polib.POFile()
    po.metadata = {"X-WagtailLocalize-TranslationID": str(translation.uuid)}
    for context, strings in source_segments.items():
        for source_text, target_text in zip(strings, target_segments[context], strict=True):
            po.append(polib.POEntry(msgctxt=context, msgid=source_text, msgstr=target_text))
    warnings = translation.import_po(po, user=user, tool_name="data file")
    if warnings:
        raise TranslationImportError(
            f"{source}: {len(warnings)} strings not imported: {warnings[:3]}"
        )
    # wagtail-localize publishes in an on_commit callback; publishing here instead makes the
    # translation live inside this transaction, like its source.
    translation.save_target(user=user, publish=False)
    target = source.get_translation(locale)
    if publish:
        target.get_latest_revision().publish(user=user)
        target.refresh_from_db()
    return target


def _string_segments(instance: TranslatableMixin) -> dict[str, list[str]]:
    """Translatable strings of an object, grouped by context path, in document order."""
    segments = defaultdict(list)
    for segment in extract_segments(instance):
        if hasattr(segment, "string"):
            segments[segment.path].append(segment.string.data)
    return dict(segments)
