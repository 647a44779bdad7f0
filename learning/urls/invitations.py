"""Accepting an invitation, under /<lang>/invitations/."""

from django.urls import path

from learning.views import organizations

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", organizations.InvitationAcceptView.as_view(), name="accept"),
]
