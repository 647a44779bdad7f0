"""Two French pages with typography mistakes planted in their text and attributes, for the
tests of the French crawl: it must find them, follow the link between them and leave the
download and the English page alone."""

from django.http import HttpResponse
from django.urls import path


def _page(body: str):
    def view(request):
        return HttpResponse(f'<!DOCTYPE html><html lang="fr-CA"><body>{body}</body></html>')

    return view


urlpatterns = [
    path(
        "fr/first/",
        _page(
            '<main><p>Étape 1 : lire <a href="/fr/second/?page=2">la <b>suite</b></a> ?</p>'
            '<a href="/fr/second/?page=3">encore</a> <a href="/fr/file.pdf">PDF</a> '
            '<a href="/en/first/">English</a> <a href="https://example.org/fr/">ailleurs</a>'
            "</main>"
        ),
    ),
    path(
        "fr/second/",
        _page('<img alt="Deux « collègues »" src="/a.png"><p>Réunion à 9 h 30 ou à 14:00.</p>'),
    ),
    path("fr/file.pdf", _page("<p>Fichier : non lu</p>")),
    path("en/first/", _page("<p>Step 1 : not French</p>")),
]
