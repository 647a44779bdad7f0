"""The verification API, its OpenAPI description and the revocation status list, outside the
language prefix (machines call them; answers carry both languages)."""

from django.urls import path

from certificates.views import api

app_name = "certificates_api"

urlpatterns = [
    path("api/v1/certificates/<str:code>", api.certificate_detail, name="certificate"),
    path("api/v1/openapi.json", api.openapi_schema, name="openapi"),
    path("certificates/status-list.jwt", api.status_list_jwt, name="status_list_jwt"),
    path("certificates/status-list.json", api.status_list_json, name="status_list_json"),
]
