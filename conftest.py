"""Fixtures shared by every test: the Wagtail tree, demo data and a real browser."""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

hypothesis_settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile("dev", max_examples=30, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent


def rebuild_wagtail_tree() -> None:
    """Recreate what migrations put in the database, after a transactional test's flush."""
    from wagtail.models import Collection, Locale, Page

    from carebook.organisations.services import ensure_platform

    locale, _ = Locale.objects.get_or_create(language_code="en-gb")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(title="Root", slug="root", locale=locale)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    ensure_platform()


@pytest.fixture
def platform(db):
    from carebook.organisations.services import ensure_platform

    return ensure_platform()


@pytest.fixture
def demo(db):
    """The demo organisations and logins, loaded by the real command."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)


@pytest.fixture
def live_demo(transactional_db, live_server):
    """A live server over the demo data (rebuilt for each test: the live server flushes)."""
    from django.core.management import call_command

    rebuild_wagtail_tree()
    call_command("load_demo", verbosity=0)
    return live_server


def _chromium_path() -> str | None:
    from config.env import ENV

    path = ENV.chromium_path
    if Path(path).exists():
        return path
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    from config.env import ENV

    path = _chromium_path()
    if path is None:
        message = (
            "Chromium was not found (looked for /usr/bin/chromium): browser tests skipped. "
            "Install it with `apt-get install chromium`."
        )
        if ENV.require_browser:
            pytest.fail(message.replace("skipped", "cannot run") + " CAREBOOK_REQUIRE_BROWSER=1.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
