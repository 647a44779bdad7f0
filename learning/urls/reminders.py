"""Unsubscribing from optional reminders, under /<lang>/reminders/."""

from django.urls import path

from learning.views import reminders

app_name = "reminders"

urlpatterns = [
    path("unsubscribe/<str:token>/", reminders.UnsubscribeView.as_view(), name="unsubscribe"),
]
