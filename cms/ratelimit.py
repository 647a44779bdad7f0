"""Who is asking, for rate limits: the client address exactly as django-axes resolves it for
the sign-in lockout (``PROXY_COUNT`` reverse proxies trusted in ``X-Forwarded-For``), IPv6
counted per /64, as one host usually holds a whole /64. Counts live in the default cache,
which every web server must share in production (Redis, ``CACHE_URL``)."""

import ipaddress

from axes.helpers import get_client_ip_address


def client_address(group, request) -> str:
    """A django-ratelimit key: the client's address (its /64 for IPv6)."""
    address = get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)
