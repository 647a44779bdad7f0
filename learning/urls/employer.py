"""Employer administrators' pages, under /<lang>/employer/."""

from django.urls import path

from learning.views import assessment, dashboards, organizations

app_name = "employer"

urlpatterns = [
    path("", dashboards.employer_home, name="home"),
    path("<int:employer_id>/", dashboards.EmployerDashboardView.as_view(), name="dashboard"),
    path("<int:employer_id>/export.<str:fmt>", dashboards.employer_export, name="export"),
    path("<int:employer_id>/invite/", organizations.StaffInviteView.as_view(), name="invite"),
    path(
        "<int:employer_id>/invite/csv/",
        organizations.StaffInviteCsvView.as_view(),
        name="invite_csv",
    ),
    path("<int:employer_id>/assign/", organizations.EmployerAssignView.as_view(), name="assign"),
    path(
        "<int:employer_id>/time-accommodations/",
        assessment.TimeAccommodationView.as_view(),
        name="time_accommodations",
    ),
]
