"""Choices other apps offer on the staff invitation acceptance page, through a Wagtail hook.

``learning`` must not import the apps that build on it (``certificates`` reads ``learning``,
never the reverse), yet accepting an invitation is the moment a person who already has
records elsewhere decides what the employer they join may see. An app adds a part to the
page by registering a function under the hook ``learning_invitation_choices`` that returns a
provider, an instance of an ``InvitationChoices`` subclass::

    # certificates/wagtail_hooks.py
    @hooks.register("learning_invitation_choices")
    def certificate_share_choices():
        return CertificateShareChoices()

The contract:

- A provider is asked only for a staff invitation opened by the invited person, signed in
  with the invited address. A signed-out visitor may hold a link that reached the wrong
  hands: nothing on the page may say anything about the invitee's records then.
- ``form(user=..., employer=..., data=...)`` returns the provider's form, bound to ``data``
  (the POST) when given, or None when there is nothing to offer (the part is left out).
  Its fields carry the provider's own ``prefix``, are optional, and nothing is chosen in
  advance: accepting the invitation must not decide anything for the person.
- ``template_name`` renders the part, inside the acceptance form, with ``form`` and
  ``employer`` in its context.
- ``accepted(form=..., membership=...)`` records what the person chose in the (valid)
  form. It is called inside the acceptance's transaction, once the person has joined, so
  the choices are recorded with the acceptance or not at all. It raises ValidationError
  (keyed by the form's field names) for choices that cannot be recorded.
"""

from django import forms
from django.db.models import Model
from wagtail import hooks

HOOK_NAME = "learning_invitation_choices"


class InvitationChoices:
    """A part of the staff invitation acceptance page (see the module docstring)."""

    template_name: str = ""

    def form(self, *, user, employer: Model, data=None) -> forms.Form | None:
        raise NotImplementedError

    def accepted(self, *, form: forms.Form, membership: Model) -> None:
        raise NotImplementedError


def invitation_choices() -> list[InvitationChoices]:
    """One provider per registered hook, in registration order."""
    return [provider() for provider in hooks.get_hooks(HOOK_NAME)]
