"""RSS 2.0 and Atom feeds of the published modules in one language, for syndication."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from courses.models import ModuleIndexPage, ModulePage
from courses.selectors import catalogue_modules


class ModulesRssFeed(Feed):
    """Modules in the catalogue's language, newest change first. An update to a module
    (a new publication) moves it to the top with its new date."""

    feed_type = Rss201rev2Feed
    limit = 50

    def __init__(self, index: ModuleIndexPage):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Welcoming Workplaces: training modules")

    def link(self):
        return self.index.get_url(request=self.request)

    def description(self):
        return _(
            "Bilingual modules for employers on intercultural competency, anti-racism and "
            "Atlantic Immigration Program duties."
        )

    def items(self):
        return catalogue_modules(index=self.index).order_by("-last_published_at")[: self.limit]

    def item_title(self, item: ModulePage):
        return item.title

    def item_description(self, item: ModulePage):
        return item.summary

    def item_link(self, item: ModulePage):
        return item.get_full_url(request=self.request)

    def item_guid(self, item: ModulePage):
        return item.get_full_url(request=self.request)

    def item_pubdate(self, item: ModulePage):
        return item.first_published_at

    def item_updateddate(self, item: ModulePage):
        return item.last_published_at

    def item_categories(self, item: ModulePage):
        return [_("Version %(version)s") % {"version": item.version}]


class ModulesAtomFeed(ModulesRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
