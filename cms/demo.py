"""Demo page tree: the home page and an about page in English, translated into French."""

from pathlib import Path
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import ContentPage, HomePage
from cms.services import locales_ensure, stream_data, translation_import

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def load_content(name: str, language: str) -> dict:
    with open(CONTENT_DIR / f"{name}.{language}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _page_fields(data: dict, *, key: str) -> dict:
    return {
        "title": data["title"],
        "slug": data["slug"],
        "intro": data.get("intro", ""),
        "body": stream_data(data.get("body", []), key=key),
    }


@transaction.atomic
def seed_site(*, user=None) -> HomePage:
    """Create the bilingual home and about pages once; later runs change nothing."""
    locales = locales_ensure()
    en, fr = load_content("site", "en"), load_content("site", "fr")

    home = HomePage.objects.filter(locale=locales["en"]).first()
    if home is None:
        # Wagtail's initial "Welcome" page (and the site pointing at it) make way for the
        # real home page.
        for placeholder in Page.get_first_root_node().get_children().specific():
            if not isinstance(placeholder, HomePage):
                Site.objects.filter(root_page=placeholder).delete()
                placeholder.delete()
        home = Page.get_first_root_node().add_child(
            instance=HomePage(locale=locales["en"], **_page_fields(en["home"], key="site/home"))
        )
        home.save_revision(user=user).publish(user=user)
        site_url = urlsplit(settings.SITE_URL)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                # Absolute links (feeds, emails) use the public address.
                "hostname": site_url.hostname or "localhost",
                "port": site_url.port or (443 if site_url.scheme == "https" else 80),
                "root_page": home,
                "site_name": en["home"]["title"],
            },
        )

    if not home.has_translation(locales["fr"]):
        translation_import(
            source=home,
            translated=HomePage(**_page_fields(fr["home"], key="site/home")),
            locale=locales["fr"],
            user=user,
        )

    about = ContentPage.objects.child_of(home).filter(locale=locales["en"]).first()
    if about is None:
        about = home.add_child(
            instance=ContentPage(
                locale=locales["en"], **_page_fields(en["about"], key="site/about")
            )
        )
        about.save_revision(user=user).publish(user=user)
    if not about.has_translation(locales["fr"]):
        translation_import(
            source=about,
            translated=ContentPage(**_page_fields(fr["about"], key="site/about")),
            locale=locales["fr"],
            user=user,
        )
    return home
