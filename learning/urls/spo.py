"""Settlement organizations' pages, under /<lang>/spo/."""

from django.urls import path

from learning.views import assessment, dashboards, organizations

app_name = "spo"

urlpatterns = [
    path("", dashboards.spo_home, name="home"),
    path("<int:spo_id>/", dashboards.SpoDashboardView.as_view(), name="dashboard"),
    path("<int:spo_id>/export.<str:fmt>", dashboards.spo_export, name="export"),
    path("<int:spo_id>/invite/", organizations.EmployerInviteView.as_view(), name="invite"),
    path(
        "<int:spo_id>/employers/<int:employer_id>/",
        dashboards.SpoEmployerView.as_view(),
        name="employer",
    ),
    path(
        "<int:spo_id>/employers/<int:employer_id>/export.<str:fmt>",
        dashboards.spo_employer_export,
        name="employer_export",
    ),
    path(
        "<int:spo_id>/employers/<int:employer_id>/assign/",
        organizations.SpoAssignView.as_view(),
        name="assign",
    ),
    path(
        "<int:spo_id>/employers/<int:employer_id>/learners/<int:learner_id>/attempts/",
        assessment.AttemptRecordView.as_view(),
        name="attempt_record",
    ),
    path(
        "<int:spo_id>/employers/<int:employer_id>/end/",
        organizations.partnership_end,
        name="partnership_end",
    ),
]
