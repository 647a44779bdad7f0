"""Language alternates for the switcher and ``hreflang`` links."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page

register = template.Library()

HTML_LANG = {"en": "en-CA", "fr": "fr-CA"}


@register.simple_tag
def html_lang() -> str:
    """The BCP 47 tag of the active language, for ``<html lang>``."""
    return HTML_LANG.get(translation.get_language(), translation.get_language())


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """One entry per site language: the URL of the current page in that language.

    On a Wagtail page that has a live translation, links go to it; a page without one links
    to that language's home page. Other views keep their path and change only the prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    urls = {}
    if isinstance(page, Page) and page.pk:
        for translated in page.get_translations(inclusive=True).live().select_related("locale"):
            urls[translated.locale.language_code] = translated.get_url(request=request)
        missing = [code for code, _name in settings.LANGUAGES if code not in urls]
        if missing:
            site_root = page.get_site().root_page if page.get_site() else None
            if site_root:
                for root in (
                    site_root.get_translations(inclusive=True)
                    .live()
                    .filter(locale__in=Locale.objects.filter(language_code__in=missing))
                    .select_related("locale")
                ):
                    urls[root.locale.language_code] = root.get_url(request=request)
    elif request is not None:
        path = request.get_full_path()
        for code, _name in settings.LANGUAGES:
            urls[code] = translate_url(path, code)
    alternates = []
    for code, name in settings.LANGUAGES:
        if code in urls and urls[code]:
            alternates.append(
                {
                    "code": code,
                    "hreflang": HTML_LANG.get(code, code),
                    "name": name,
                    "url": urls[code],
                    "absolute_url": request.build_absolute_uri(urls[code])
                    if request
                    else urls[code],
                    "is_current": code == current,
                }
            )
    return alternates


@register.filter
def minutes_ceil(value) -> int:
    """Whole minutes in a timedelta, rounded up (a lockout of 90 s reads "2 minutes")."""
    if value is None:
        return 0
    seconds = int(value.total_seconds())
    return max(1, -(-seconds // 60))
