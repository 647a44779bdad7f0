"""Store lesson rich text in the form the admin's editor writes (``<b>``, ``<i>``), so that
saving a lesson with unchanged text no longer invalidates its translations; the translation
memory is rewritten the same way so existing translations still match."""

import json

from django.db import migrations

INLINE_TAGS = {"<strong>": "<b>", "</strong>": "</b>", "<em>": "<i>", "</em>": "</i>"}


def _tags(text):
    for old, new in INLINE_TAGS.items():
        text = text.replace(old, new)
    return text


def normalise(apps, schema_editor):
    from cms.rich_text import stream_raw_normalise
    from courses.blocks import LessonStreamBlock
    from wagtail_localize.models import String as CurrentString

    block = LessonStreamBlock()
    LessonPage = apps.get_model("courses", "LessonPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    for page in LessonPage.objects.all():
        raw = [dict(child) for child in page.body.raw_data]
        LessonPage.objects.filter(pk=page.pk).update(
            body=json.dumps(stream_raw_normalise(block, raw))
        )
    content_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if content_type is not None:
        for revision in Revision.objects.filter(content_type=content_type):
            content = revision.content
            if content.get("body"):
                raw = json.loads(content["body"]) if isinstance(content["body"], str) else content["body"]
                content["body"] = json.dumps(stream_raw_normalise(block, raw))
                revision.content = content
                revision.save(update_fields=["content"])

    String = apps.get_model("wagtail_localize", "String")
    StringSegment = apps.get_model("wagtail_localize", "StringSegment")
    StringTranslation = apps.get_model("wagtail_localize", "StringTranslation")
    TranslationSource = apps.get_model("wagtail_localize", "TranslationSource")
    for string in String.objects.filter(data__regex=r"</?(strong|em)>"):
        data = _tags(string.data)
        existing = String.objects.filter(locale_id=string.locale_id, data=data).first()
        if existing is None:
            string.data = data
            string.data_hash = CurrentString._get_data_hash(data)
            string.save(update_fields=["data", "data_hash"])
            continue
        StringSegment.objects.filter(string=string).update(string=existing)
        for translation in StringTranslation.objects.filter(translation_of=string):
            if StringTranslation.objects.filter(
                translation_of=existing, locale_id=translation.locale_id, context_id=translation.context_id
            ).exists():
                translation.delete()
            else:
                translation.translation_of = existing
                translation.save(update_fields=["translation_of"])
        string.delete()
    for translation in StringTranslation.objects.filter(data__regex=r"</?(strong|em)>"):
        translation.data = _tags(translation.data)
        translation.save(update_fields=["data"])
    for source in TranslationSource.objects.filter(content_json__regex=r"</?(strong|em)>"):
        source.content_json = _tags(source.content_json)
        source.save(update_fields=["content_json"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_source"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
