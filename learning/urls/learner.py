"""The learner's pages, under /<lang>/my-learning/."""

from django.urls import path

from learning.views import learner

app_name = "learning"

urlpatterns = [
    path("", learner.MyLearningView.as_view(), name="my_learning"),
    path("modules/<int:module_id>/enrol/", learner.module_enrol, name="module_enrol"),
    path("lessons/<int:lesson_id>/done/", learner.lesson_complete, name="lesson_complete"),
    path("quizzes/<int:quiz_id>/start/", learner.attempt_start, name="attempt_start"),
    path("attempts/<int:attempt_id>/", learner.AttemptView.as_view(), name="attempt"),
    path("attempts/<int:attempt_id>/more-time/", learner.attempt_extend, name="attempt_extend"),
    path("attempts/<int:attempt_id>/results/", learner.attempt_results, name="attempt_results"),
    path("survey/<int:enrolment_id>/", learner.SurveyView.as_view(), name="survey"),
]
