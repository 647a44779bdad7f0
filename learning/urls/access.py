"""Requesting access, under /<lang>/request-access/."""

from django.urls import path

from learning.views import access_requests

app_name = "access"

urlpatterns = [
    path("", access_requests.access_request, name="request"),
    path("sent/", access_requests.access_request_sent, name="sent"),
]
