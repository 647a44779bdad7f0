"""Signing in and out in the page's language, and password reset, with limits against
guessing and mail flooding.

- Sign-in keeps the language prefix of the address the form was on and leads to the person's
  own start page. django-axes pauses one account from one address after
  ``AXES_FAILURE_LIMIT`` wrong passwords (never the account everywhere). On top of it, one
  address that fails ``SIGN_IN_CLIENT_FAILURE_RATE`` times across any accounts (password
  spraying) is answered 429 until the period ends; the accounts stay open from everywhere else.
- Password reset: ``PASSWORD_RESET_ADDRESS_RATE`` emails per address (further requests get the
  same answer and send nothing, so the answer never tells whether an account exists), and
  ``PASSWORD_RESET_CLIENT_RATE`` requests per client address (then 429).
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django_ratelimit.core import _split_rate, get_usage, is_ratelimited

from cms.ratelimit import client_address
from learning.auth import SIGN_IN_GROUP
from learning.forms import EmailAuthenticationForm
from learning.selectors.organizations import user_start_page


def _too_many(request, rate: str, template: str):
    seconds = _split_rate(rate)[1]
    response = render(request, template, {"minutes": max(seconds // 60, 1)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class SignInView(auth_views.LoginView):
    """Sign in, then go to ``next`` when it is safe, else to the user's start page (SPO or
    employer dashboard, or My learning) in the language of the sign-in page. Refused (429) to
    a client address with too many recent failures."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        rate = settings.SIGN_IN_CLIENT_FAILURE_RATE
        # Only failures count (``learning.auth``): read the count without adding to it.
        usage = get_usage(request, group=SIGN_IN_GROUP, key=client_address, rate=rate)
        if usage is not None and usage["count"] >= usage["limit"]:
            return _too_many(request, rate, "registration/sign_in_limited.html")
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse(user_start_page(user=self.request.user))


class SignOutView(auth_views.LogoutView):
    """Sign out, back to the home page in the language the person was reading."""

    def get_default_redirect_url(self):
        return f"/{get_language()}/"


def _reset_address(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset with a cap per address (silent) and per client (429)."""

    def post(self, request, *args, **kwargs):
        rate = settings.PASSWORD_RESET_CLIENT_RATE
        limited = is_ratelimited(
            request, group="password-reset-client", key=client_address, rate=rate, increment=True
        )
        if limited:
            return _too_many(request, rate, "registration/password_reset_limited.html")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        limited = is_ratelimited(
            self.request,
            group="password-reset-address",
            key=_reset_address,
            rate=settings.PASSWORD_RESET_ADDRESS_RATE,
            increment=True,
        )
        if limited:
            # The same answer as a request that sends an email: nothing says the address
            # has an account, or was asked for already.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
