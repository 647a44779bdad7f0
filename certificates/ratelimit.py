"""A per-address limit on verification pages and the API, against scraping and guessing.

Addresses are resolved by ``cms.ratelimit.client_address`` (as django-axes resolves them);
counts live in the default cache, which every web server must share in production.

Settings: ``CERTIFICATE_VERIFY_RATE`` (pages, bulk included) and ``CERTIFICATE_API_RATE``,
``"<count>/<s|m|h|d>"``, e.g. ``"60/m"``.
"""

import functools

from django.conf import settings
from django_ratelimit.core import _split_rate, is_ratelimited

from cms.ratelimit import client_address


def rate_limit(*, group: str, rate_setting: str, respond):
    """Answer ``respond(request, retry_after)`` instead of the view once the client address
    made more requests than ``settings.<rate_setting>`` allows in ``group``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            rate = getattr(settings, rate_setting)
            if is_ratelimited(request, group=group, key=client_address, rate=rate, increment=True):
                return respond(request, _split_rate(rate)[1])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
