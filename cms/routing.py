"""Finding the page a URL names with one query for the whole path.

Wagtail's ``Page.route`` walks down the tree one level at a time, with two queries a level:
the child by slug, then its specific fields. ``PathRoutingMixin`` fetches every page the rest
of the path names in one query, gives each its parent (so ``get_parent()`` is free), and
loads specific fields only for the page that is served. Each page on the way still routes
for itself (``RoutablePageMixin`` sub-routes, overridden ``route`` methods): it receives the
rest of the path through its own ``route``, with the pages below it already fetched.
"""

from django.db.models import Q
from django.http import Http404
from wagtail.models import Page


class PathRoutingMixin:
    """For page classes whose children are found by slug, as in ``Page.route``."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        below = self.__dict__.pop("_pages_below", None)
        if below is None:
            below = self.pages_on_path(path_components)
        if not below:
            raise Http404
        child, remaining = below[0], path_components[1:]
        child._cached_parent_obj = self  # what Page.route does: get_parent() needs no query
        if remaining:
            # Passed through: its own fields are loaded only if something reads them.
            child = child.specific_deferred
            child._pages_below = below[1:]
        else:
            child = child.specific
        return child.route(request, remaining)

    def pages_on_path(self, path_components: list[str]) -> list[Page]:
        """The pages below this one that ``path_components`` name, top first, as plain
        ``Page`` objects; shorter than the path where a slug names no page. One query."""
        levels = Q()
        for offset, slug in enumerate(path_components, start=1):
            levels |= Q(depth=self.depth + offset, slug=slug)
        pages: list[Page] = []
        parent_path = self.path
        for page in Page.objects.filter(levels, path__startswith=self.path).order_by("depth"):
            if page.depth == self.depth + len(pages) + 1 and page.path.startswith(parent_path):
                pages.append(page)
                parent_path = page.path
        return pages
