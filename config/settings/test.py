"""Settings for the test suite (`make test`)."""

import tempfile

from config.env import ENV

from .base import *  # noqa: F403

CAREBOOK_ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = ENV.secret_key or "carebook-test-only-key-not-for-production-use"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="carebook-test-media-")
CAREBOOK_PRIVATE_ROOT = tempfile.mkdtemp(prefix="carebook-test-private-")
WAGTAILADMIN_BASE_URL = "http://testserver"
# Static files come straight from frontend/dist and the apps; no collectstatic needed here.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
