"""Signals the learning side sends. Receivers live with the app that acts on them."""

from django.dispatch import Signal

# Sent once per completed enrolment, after the completion has committed. Argument: enrolment.
module_completed = Signal()
