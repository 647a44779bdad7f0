"""Shared pieces of the project's own admin views."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TitledAdminViewMixin:
    """A report or page of the project's admin: its breadcrumbs end with its own title
    (Wagtail's default ends with "Home", which then stands as the page's heading)."""

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]
