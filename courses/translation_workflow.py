"""Writes of the translation workflow: a translation is saved as a draft revision, submitted
for moderation like any page, and goes live only when it is approved or published from its
own page with nothing left to translate.

wagtail-localize saves a translated page by writing its row, which for a live page is what
readers see, even when asked for a draft. These services build the translated object in
memory and save a revision only, so the live page never changes until a revision of its own
is published.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, RevisionMixin
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.fields import copy_synchronised_fields
from wagtail_localize.models import StringSegment, StringTranslation, Translation
from wagtail_localize.segments.ingest import ingest_segments

from courses.services import translation_publish_blockers

UNTRANSLATED_LISTED = 10


def translation_of(instance) -> Translation | None:
    """The enabled wagtail-localize translation whose target is ``instance``, if any."""
    return (
        Translation.objects.filter(
            source__object_id=instance.translation_key,
            target_locale_id=instance.locale_id,
            enabled=True,
        )
        .select_related("source", "target_locale", "source__locale")
        .first()
    )


def untranslated_texts(*, translation: Translation) -> list[str]:
    """The source texts of ``translation`` that have no translation yet, in page order."""
    done = StringTranslation.objects.filter(
        locale_id=translation.target_locale_id, has_error=False
    ).values_list("translation_of_id", "context_id")
    translated = set(done.filter(translation_of__segments__source=translation.source))
    texts = []
    for segment in (
        StringSegment.objects.filter(source=translation.source)
        .select_related("string")
        .order_by("order")
    ):
        if (segment.string_id, segment.context_id) not in translated:
            texts.append(segment.string.data)
    return texts


def translation_draft_save(*, translation: Translation, user=None):
    """Save the current state of ``translation`` as a new draft revision of its target.

    Untranslated text falls back to the source text in the draft; the live object (its row)
    is left as it is. Returns the target object with the draft applied, or None when the
    target does not exist yet.
    """
    source = translation.source
    original = source.as_instance()
    try:
        target = source.get_translated_instance(translation.target_locale)
    except ObjectDoesNotExist:
        return None
    if isinstance(target, Page):
        target = target.specific
        if target.alias_of_id:
            return None
        latest = target.get_latest_revision_as_object()
        if latest is not None:
            target = latest
    copy_synchronised_fields(original, target)
    segments = source._get_segments_for_translation(translation.target_locale, fallback=True)
    ingest_segments(original, target, source.locale, translation.target_locale, segments)
    if isinstance(target, RevisionMixin):
        target.save_revision(user=user, clean=False, log_action=True)
    return target


@transaction.atomic
def translation_submit(*, instance, user) -> None:
    """Submit the translated page or question ``instance`` for moderation: save its
    translation as a draft and start its workflow, as "Submit for moderation" does.

    Raises PermissionDenied when the user cannot edit it, and ValidationError when text is
    still untranslated, when no workflow applies, or when it is already in moderation.
    """
    if isinstance(instance, Page):
        instance = instance.specific
        allowed = instance.permissions_for_user(user).can_edit()
    else:
        allowed = user.has_perm(get_permission_name("change", type(instance)))
    if not allowed:
        raise PermissionDenied
    translation = translation_of(instance)
    if translation is None:
        raise ValidationError(_("This is not a translation."))
    blockers = translation_publish_blockers(instance=instance, locale=instance.locale)
    if blockers:
        raise ValidationError(blockers)
    workflow = instance.get_workflow()
    if workflow is None:
        raise ValidationError(_("No moderation workflow applies here."))
    if instance.workflow_in_progress:
        raise ValidationError(_("This is already awaiting moderation."))
    translation_draft_save(translation=translation, user=user)
    instance.refresh_from_db()
    workflow.start(instance, user)


def translation_untranslated_summary(*, instance) -> list[str]:
    """The untranslated texts of the translation whose target is ``instance`` (at most
    ``UNTRANSLATED_LISTED``), for messages that say what is left."""
    translation = translation_of(instance)
    if translation is None:
        return []
    return untranslated_texts(translation=translation)[:UNTRANSLATED_LISTED]
