"""Local development: DEBUG on, embedded defaults, a throwaway key if none is set."""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default=None) or get_random_secret_key()
