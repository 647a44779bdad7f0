"""``{% certificate_panel enrolment %}``: the certificate block of a completed module (its
status while the worker prepares it, then its downloads), for pages outside this app."""

from django import template

from certificates.views.downloads import certificate_panel as panel_context

register = template.Library()


@register.inclusion_tag("certificates/includes/certificate_panel.html", takes_context=True)
def certificate_panel(context, enrolment):
    return panel_context(user=context["request"].user, enrolment=enrolment)
