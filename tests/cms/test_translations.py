"""The French catalogs are complete, and French pages really use them."""

import glob

import polib
import pytest

from tests.conftest import BASE_DIR

CATALOGS = sorted(glob.glob(str(BASE_DIR / "*" / "locale" / "fr" / "LC_MESSAGES" / "django.po")))


def test_every_app_has_a_french_catalog():
    apps = {path.split("/")[-5] for path in CATALOGS}
    assert apps == {"cms", "courses", "learning", "certificates"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.split("/")[-5])
def test_french_catalog_has_no_untranslated_or_fuzzy_entries(path):
    catalog = polib.pofile(path)

    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]

    assert (untranslated, fuzzy) == ([], [])


def test_french_pages_use_the_catalog(db, client):
    html = client.get("/fr/accounts/login/").content.decode()

    assert "Passer au contenu principal" in html
    assert "Adresse courriel" in html
