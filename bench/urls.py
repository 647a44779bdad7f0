"""The site's URLs, and the floor of the verification benchmark: the least a Django view can
do on this server (the same middleware, no database)."""

from django.http import JsonResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns


def constant_json(request):
    return JsonResponse({"status": "valid", "code": "0000000000000000"})


urlpatterns = [path("bench/constant.json", constant_json), *site_urlpatterns]
