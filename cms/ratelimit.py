"""Per-client request limits, shared by every app (verification pages, the API, public forms).

Addresses are resolved exactly as django-axes resolves them for the sign-in lockout
(``PROXY_COUNT`` reverse proxies trusted in ``X-Forwarded-For``); IPv6 addresses are counted
per /64, as one host usually holds a whole /64. Counts live in the default cache, which must
be shared by every web server in production (Redis, ``CACHE_URL``).
"""

import functools
import ipaddress

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.core import _split_rate, is_ratelimited


def client_address(group, request) -> str:
    address = get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


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
