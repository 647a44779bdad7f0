"""Writes for the site's pages (locales, page creation from data files, translations), and
the one way every app sends email."""

import uuid
from collections import defaultdict
from collections.abc import Iterable

import polib
from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from wagtail.models import Locale, TranslatableMixin
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.segments.extract import extract_segments

from cms.tasks import email_send

# Block ids are derived from the data file's key and the block's position, so that the English
# and French builds of the same file pair up segment by segment.
BLOCK_ID_NAMESPACE = uuid.UUID("9a2d3c1e-5b8f-4f7a-8e61-0c4b2f7d9e10")


def text_render(template_name: str, context: dict) -> str:
    """Render a plain-text template: without HTML escaping ("Smith & Sons" stays as it is).
    Values that come from people go through validators that refuse line breaks and other
    control characters (``cms.validators.validate_single_line``), and templates put them
    through ``|oneline``, so they cannot add lines to a message."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_queue(*, to: str, language: str, template: str, context: dict) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in ``language`` and queue the
    email for when the current transaction commits. Templates also get ``language`` and
    ``site_url`` (links are written ``{{ site_url }}{% url ... %}``: reversed in the
    recipient's language, they start with ``/<language>/``)."""
    with translation.override(language):
        context = {**context, "language": language, "site_url": settings.SITE_URL}
        subject = text_render(f"{template}_subject.txt", context)
        body = text_render(f"{template}.txt", context)
    subject = " ".join(subject.split())
    transaction.on_commit(lambda: email_send.delay(subject=subject, body=body, to=[to]))


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
