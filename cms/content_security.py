"""The Content Security Policy header (settings.CONTENT_SECURITY_POLICY), with two exceptions.

- Pages of the Wagtail admin (``/admin/``) may run inline scripts and styles: Wagtail's own
  templates write inline ``<script>`` blocks (inline panels, date and time pickers,
  wagtail-localize's translation editor) and ``style`` attributes, which it does not offer to
  mark with a nonce. Everything still comes from this site only, and the rest of the policy
  (no plugins, no ``<base>``, no framing by other sites) holds there too.
- A response that lets this site frame it (``X-Frame-Options: SAMEORIGIN``, which Wagtail
  sets on its live preview, shown in the page editor) may be framed by this site.
"""

from csp.constants import HEADER, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"
ADMIN_ADDITIONS = {
    "script-src": [UNSAFE_INLINE],
    "style-src": [UNSAFE_INLINE],
    # Previews of images chosen for upload, before they are sent.
    "img-src": ["data:", "blob:"],
}


def _framed_by_this_site(response) -> bool:
    return response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith(ADMIN_PREFIX) and _framed_by_this_site(response):
            # Wagtail renders a preview by passing the page's own request (at the page's
            # address) through the middleware, which gave it the site's policy: the admin's
            # replaces it.
            del response[HEADER]
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_ADDITIONS.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        if _framed_by_this_site(response):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts
