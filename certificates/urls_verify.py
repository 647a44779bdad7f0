"""Public verification pages and certificate management, under /<lang>/verify/."""

from django.urls import path

from certificates.views import manage, verify

app_name = "verify"

urlpatterns = [
    path("", verify.verify_form, name="form"),
    path("bulk/", verify.BulkVerifyView.as_view(), name="bulk"),
    path("guide/", verify.verify_guide, name="guide"),
    path("manage/", manage.CertificateManageListView.as_view(), name="manage"),
    path("manage/<str:code>/revoke/", manage.CertificateRevokeView.as_view(), name="revoke"),
    path("manage/<str:code>/reissue/", manage.CertificateReissueView.as_view(), name="reissue"),
    # Last: "bulk", "guide" and "manage" are never codes (a code has 17 characters).
    path("<str:code>/", verify.verify_detail, name="detail"),
]
