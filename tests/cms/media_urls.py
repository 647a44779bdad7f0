"""The site's addresses with uploaded media served from MEDIA_ROOT, as the demo serves them
(``cms.urls`` adds this when DEBUG is on)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from cms.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
