import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def test_public_pages_have_a_strict_policy_that_allows_only_the_js_enabled_line(client, demo):
    response = client.get("/northshire/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy

    html = response.content.decode()
    inline_scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert inline_scripts == [settings.GOVUK_JS_ENABLED_SCRIPT]
    digest = base64.b64encode(hashlib.sha256(inline_scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert 'style="' not in html


def test_admin_has_its_own_policy(client, demo):
    from carebook.accounts.models import User

    client.force_login(User.objects.get(email="editor@northshire.example"))
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "object-src 'none'" in policy


def test_session_cookie_is_http_only_and_same_site(client):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


def _run_production(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = _run_production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="carebook.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [
        "",
        "changeme",
        "django-insecure-abc",
        "carebook-development-only-key-not-for-production-use",
        "x" * 60,
        "short-but-random-Q2w",
    ],
)
def test_production_refuses_a_missing_default_or_weak_secret_key(secret_key):
    result = _run_production("check", SECRET_KEY=secret_key, ALLOWED_HOSTS="carebook.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_load_demo_data():
    result = _run_production(
        "load_demo", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="carebook.example.org"
    )
    assert result.returncode != 0
    assert "never loaded under production settings" in result.stderr


def test_production_serves_no_debug_pages():
    result = _run_production(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SECURE_HSTS_SECONDS,"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="carebook.example.org",
    )
    assert result.stdout.split()[-4:] == ["False", "31536000", "True", "True"], result.stderr
