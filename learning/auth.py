"""Authentication helpers shared by sign-in and lockout, and the backend that loads the
signed-in person."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from cms.ratelimit import client_address

# The django-ratelimit group counting failed sign-ins per client address, across accounts.
SIGN_IN_GROUP = "sign-in-failures"


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The sign-in address as django-axes keys it: trimmed and lower-cased.

    Sign-in is case-insensitive, so ``Editor@Example.com`` and ``editor@example.com`` must
    count towards the same lockout.
    """
    source = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username") if source else None
    return value.strip().lower() if isinstance(value, str) else None


class UserBackend(ModelBackend):
    """Django's model backend. The signed-in person comes with which dashboards they may open
    (links in every page's navigation) in the same query."""

    def get_user(self, user_id):
        from learning.selectors.dashboards import with_dashboard_roles

        users = get_user_model()._default_manager.all()
        user = with_dashboard_roles(users).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


@receiver(user_login_failed, dispatch_uid="learning.sign_in_failure_count")
def sign_in_failure_count(sender, credentials, request=None, **kwargs):
    """Count a failed sign-in against the client address, whatever the account (see
    ``learning.views.accounts``)."""
    if request is not None:
        rate = settings.SIGN_IN_CLIENT_FAILURE_RATE
        is_ratelimited(request, group=SIGN_IN_GROUP, key=client_address, rate=rate, increment=True)
