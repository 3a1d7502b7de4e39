"""Settings for `make run` on a developer's machine."""

from config.env import ENV

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS

CAREBOOK_ENVIRONMENT = "development"
# Off by default so that `make run` shows the pages a reader would see (our 404 page, not
# Django's); CAREBOOK_DEBUG=1 turns Django's debug pages on.
DEBUG = ENV.debug
# A fixed key is fine here: development settings never serve real data.
SECRET_KEY = ENV.secret_key or "carebook-development-only-key-not-for-production-use"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", ".localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Static files come straight from frontend/dist and the apps; no collectstatic needed here.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
