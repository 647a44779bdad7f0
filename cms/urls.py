from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates.views.keys import issuer_certificate, jwks

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The public keys that verify certificates (outside the language prefix: verifiers expect
    # this exact address).
    path(".well-known/jwks.json", jwks, name="jwks"),
    path(".well-known/certificate-issuer.pem", issuer_certificate, name="certificate_issuer"),
]

# Certificate verification API, its OpenAPI document and the revocation status list.
urlpatterns += [path("", include("certificates.urls_api"))]

urlpatterns += i18n_patterns(
    path("accounts/", include("learning.urls.accounts")),
    path("my-learning/", include("learning.urls.learner")),
    path("spo/", include("learning.urls.spo")),
    path("employer/", include("learning.urls.employer")),
    path("invitations/", include("learning.urls.invitations")),
    path("request-access/", include("learning.urls.access")),
    path("reminders/", include("learning.urls.reminders")),
    path("certificates/", include("certificates.urls")),
    path("verify/", include("certificates.urls_verify")),
    # Wagtail's page serving comes last: it matches every remaining path.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
