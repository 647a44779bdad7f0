"""The site's URLs, and two floors for the verification benchmark, on the same server and
through the same middleware: the least a Django view can do (constant JSON, no database),
and the least a lookup can do (the one indexed query a verification makes, and nothing
else: no rate limit, no signature check, no audit event, a two-field answer)."""

from django.http import JsonResponse
from django.urls import path

from certificates.models import Certificate
from cms.urls import urlpatterns as site_urlpatterns


def constant_json(request):
    return JsonResponse({"status": "valid", "code": "0000000000000000"})


def lookup_only(request, code: str):
    found = Certificate.objects.filter(code=code).values_list("pk", flat=True).first()
    return JsonResponse({"found": found is not None, "code": code})


urlpatterns = [
    path("bench/constant.json", constant_json),
    path("bench/lookup/<str:code>.json", lookup_only),
    *site_urlpatterns,
]
