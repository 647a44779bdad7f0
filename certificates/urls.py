"""Learners' certificates and downloads, under /<lang>/certificates/. The public key set is
served outside the language prefix (cms.urls)."""

from django.urls import path

from certificates.views import downloads

app_name = "certificates"

urlpatterns = [
    path("", downloads.CertificateListView.as_view(), name="my_certificates"),
    path(
        "module/<int:enrolment_id>/",
        downloads.EnrolmentCertificateView.as_view(),
        name="enrolment",
    ),
    path(
        "module/<int:enrolment_id>/status/",
        downloads.EnrolmentCertificateView.as_view(partial=True),
        name="enrolment_status",
    ),
    path("<str:code>/download.<str:fmt>", downloads.certificate_download, name="download"),
    path("<str:code>/share/", downloads.certificate_share, name="share"),
]
