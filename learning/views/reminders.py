"""Unsubscribing from optional reminders with the signed link they carry; no sign-in needed.
GET shows what would stop and changes nothing; POST turns optional reminders off."""

from django.shortcuts import redirect, render
from django.views import View

from learning.services import reminders as services


class UnsubscribeView(View):
    template_name = "learning/reminders/unsubscribe.html"

    def get(self, request, token: str):
        try:
            person = services.unsubscribe_user(token=token)
        except services.UnsubscribeTokenInvalid as error:
            return _invalid(request, error)
        return render(request, self.template_name, {"person": person})

    def post(self, request, token: str):
        try:
            services.reminders_unsubscribe(token=token)
        except services.UnsubscribeTokenInvalid as error:
            return _invalid(request, error)
        # Back to the page, which now says that optional reminders are off.
        return redirect(request.path)


def _invalid(request, error: services.UnsubscribeTokenInvalid):
    return render(
        request,
        "learning/reminders/unsubscribe_invalid.html",
        {"unknown": error.unknown},
        status=404 if error.unknown else 400,
    )
