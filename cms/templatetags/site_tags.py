"""Language alternates for the switcher and ``hreflang`` links."""

from django import template
from django.conf import settings
from django.db.models import Q, Subquery
from django.urls import translate_url
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

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
    if isinstance(page, Page) and page.pk:
        urls = _page_urls(page, request)
    elif request is not None:
        path = request.get_full_path()
        urls = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    else:
        urls = {}
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


@register.simple_tag
def video_embed(url: str, *, title: str) -> str:
    """The provider's player for ``url`` with an accessible title, or "" when the provider
    cannot be reached (the block then offers a link and the transcript only)."""
    from django.utils.html import format_html
    from wagtail.embeds import embeds
    from wagtail.embeds.exceptions import EmbedException

    if not url:
        return ""
    try:
        embed = embeds.get_embed(url)
    except EmbedException:
        return ""
    html = embed.html.replace("<iframe ", format_html('<iframe title="{}" ', title), 1)
    return mark_safe(html)  # noqa: S308 - provider HTML stored by wagtail.embeds


@register.filter
def minutes_ceil(value) -> int:
    """Whole minutes in a timedelta, rounded up (a lockout of 90 s reads "2 minutes")."""
    if value is None:
        return 0
    seconds = int(value.total_seconds())
    return max(1, -(-seconds // 60))


def _page_urls(page: Page, request) -> dict[str, str]:
    """URLs of the live translations of ``page``, falling back to each language's home page."""
    keys = Q(translation_key=page.translation_key)
    site = Site.find_for_request(request) if request is not None else page.get_site()
    if site is not None:
        # One query for both: the page's translations and the home pages they fall back to.
        root_key = Page.objects.filter(pk=site.root_page_id).values("translation_key")[:1]
        keys |= Q(translation_key=Subquery(root_key))
    candidates = Page.objects.filter(keys)
    urls = {}
    # Deepest first: the page's own translations win over the home pages.
    for candidate in candidates.live().select_related("locale").order_by("-depth"):
        urls.setdefault(candidate.locale.language_code, candidate.get_url(request=request))
    return urls
