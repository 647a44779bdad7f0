"""Template tags for the courses admin: the actions above wagtail-localize's editor."""

import json

from django import template
from wagtail.models import Page

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
    """Submit a translated page for moderation, or see why it cannot be yet."""
    request = context["request"]
    if not isinstance(instance, Page):
        return {"show": False}
    translation = translation_of(instance)
    permissions = instance.permissions_for_user(request.user)
    workflow_state = instance.current_workflow_state
    return {
        "show": translation is not None and permissions.can_edit(),
        "page": instance,
        "in_moderation": workflow_state is not None and workflow_state.is_active,
        "has_workflow": instance.get_workflow() is not None,
        "untranslated": len(untranslated_texts(translation=translation)) if translation else 0,
        "csrf_token": context.get("csrf_token"),
    }
