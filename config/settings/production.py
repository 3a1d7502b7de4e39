"""Settings for a real deployment. Everything secret or site-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.env import ENV

from .base import *  # noqa: F403

CAREBOOK_ENVIRONMENT = "production"
DEBUG = False

_KNOWN_UNSAFE_KEYS = {
    "",
    "changeme",
    "change-me",
    "secret",
    "carebook-development-only-key-not-for-production-use",
    "carebook-test-only-key-not-for-production-use",
}
if ENV.secret_key in _KNOWN_UNSAFE_KEYS or ENV.secret_key.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is a known default. Set SECRET_KEY in the environment to a "
        "long random value, for example from: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if len(ENV.secret_key) < 50 or len(set(ENV.secret_key)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY is too short or too simple: use at least 50 random characters."
    )
if not ENV.allowed_hosts:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty. Set it in the environment, comma-separated "
        "(for example carebook.example.org)."
    )

SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts

SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if ENV.behind_https_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = ENV.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# Background work (national update propagation, manual PDFs) is queued in the database and run
# by `manage.py db_worker`, so that a publisher's publish request never waits for every
# subscriber to be updated (docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
