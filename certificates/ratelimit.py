"""A per-address limit on verification pages and the API, against scraping and guessing
(``cms.ratelimit``).

Settings: ``CERTIFICATE_VERIFY_RATE`` (pages, bulk included) and ``CERTIFICATE_API_RATE``,
``"<count>/<s|m|h|d>"``, e.g. ``"60/m"``.
"""

from cms.ratelimit import client_address, rate_limit

__all__ = ["client_address", "rate_limit"]
