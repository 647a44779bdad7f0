"""The catalogue's feeds are valid RSS 2.0 and Atom 1.0, one per language."""

from xml.etree import ElementTree as etree

import feedparser
import pytest
from django.conf import settings

from courses.models import ModulePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "fr"])
def test_rss_feed_is_valid_rss_2(client, language):
    response = client.get(f"/{language}/modules/feed/rss/")

    feed = feedparser.parse(response.content)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert (feed.bozo, feed.version) == (0, "rss20")
    assert feed.feed.language == language
    titles = {entry.title for entry in feed.entries}
    live = ModulePage.objects.live().filter(locale__language_code=language)
    assert titles == set(live.values_list("title", flat=True))
    for entry in feed.entries:
        assert entry.link.startswith(f"{settings.SITE_URL}/{language}/modules/")
        assert entry.published_parsed and entry.summary


@pytest.mark.parametrize("language", ["en", "fr"])
def test_atom_feed_is_valid_atom_1(client, language):
    response = client.get(f"/{language}/modules/feed/atom/")

    feed = feedparser.parse(response.content)
    root = etree.fromstring(response.content)
    assert (feed.bozo, feed.version) == (0, "atom10")
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert len(feed.entries) == 4
    for entry in feed.entries:
        # Atom requires id, title and updated on every entry.
        assert entry.id and entry.title and entry.updated_parsed


def test_feed_lists_an_updated_module_first_with_its_new_date(client):
    module = ModulePage.objects.get(slug="anti-racism-and-anti-discrimination")
    module.summary = "Updated summary."
    module.save_revision().publish()

    feed = feedparser.parse(client.get("/en/modules/feed/atom/").content)

    assert feed.entries[0].title == module.title
    assert feed.entries[0].summary == "Updated summary."


def test_catalogue_advertises_its_feeds(client):
    html = client.get("/fr/modules/").content.decode()

    assert 'type="application/rss+xml"' in html
    assert 'href="/fr/modules/feed/atom/"' in html
