"""Signing in and out in the page's language: the language prefix of the address the form
was on is kept, and signing in leads to the person's own start page."""

from django.contrib.auth import views as auth_views
from django.urls import reverse
from django.utils.translation import get_language

from learning.forms import EmailAuthenticationForm
from learning.selectors.organizations import user_start_page


class SignInView(auth_views.LoginView):
    """Sign in, then go to ``next`` when it is safe, else to the user's start page (SPO or
    employer dashboard, or My learning) in the language of the sign-in page."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse(user_start_page(user=self.request.user))


class SignOutView(auth_views.LogoutView):
    """Sign out, back to the home page in the language the person was reading."""

    def get_default_redirect_url(self):
        return f"/{get_language()}/"
