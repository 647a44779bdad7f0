"""Template tags for the courses admin: the actions above wagtail-localize's editor."""

import json

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page, WorkflowMixin
from wagtail.snippets.permissions import get_permission_name

from courses.translation_workflow import translation_of, untranslated_texts

register = template.Library()


@register.filter
def translation_editor_props(props: str, user) -> str:
    """The translation editor's settings without "Convert to alias page" for a user who
    cannot publish: it would replace the translation with the source text, live at once."""
    data = json.loads(props)
    if not data.get("perms", {}).get("canPublish"):
        data.get("links", {})["convertToAliasUrl"] = None
    return json.dumps(data)


@register.inclusion_tag("courses/admin/translation_actions.html", takes_context=True)
def translation_actions(context, instance):
    """Submit a translated page or question for moderation, or see why it cannot be yet."""
    request = context["request"]
    if not isinstance(instance, WorkflowMixin):
        return {"show": False}
    if isinstance(instance, Page):
        can_edit = instance.permissions_for_user(request.user).can_edit()
    else:
        can_edit = request.user.has_perm(get_permission_name("change", type(instance)))
    translation = translation_of(instance)
    workflow_state = instance.current_workflow_state
    content_type = ContentType.objects.get_for_model(instance)
    return {
        "show": translation is not None and can_edit,
        "submit_url": reverse(
            "courses_admin:translation_submit", args=[content_type.pk, instance.pk]
        ),
        "in_moderation": workflow_state is not None and workflow_state.is_active,
        "has_workflow": instance.get_workflow() is not None,
        "untranslated": len(untranslated_texts(translation=translation)) if translation else 0,
        "csrf_token": context.get("csrf_token"),
    }
