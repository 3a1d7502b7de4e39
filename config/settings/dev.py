"""Settings for `make run` on a developer's machine."""

from config.env import ENV

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS

CAREBOOK_ENVIRONMENT = "development"
DEBUG = True
# A fixed key is fine here: development settings never serve real data.
SECRET_KEY = ENV.secret_key or "carebook-development-only-key-not-for-production-use"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", ".localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Static files come straight from frontend/dist and the apps; no collectstatic needed here.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
