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


def load_demo_data() -> None:
    from django.core.management import call_command

    rebuild_wagtail_tree()
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_modify_db_settings,
):
    """Every test database starts with the demo data, loaded once per session (and worker).

    Tests in a transaction see it and roll their own changes back; browser tests read it
    through the live server without touching the database themselves. (pytest-django's own
    setup makes databases only for tests marked as using them, which browser tests are not.)
    """
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=verbosity, interactive=False, keepdb=django_db_keepdb, aliases={"default"}
        )
        load_demo_data()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            if connection_vendor() == "postgresql":
                _drop_postgresql_test_databases(config)
            else:
                teardown_databases(config, verbosity=verbosity)


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def _drop_postgresql_test_databases(config) -> None:
    """Drop with FORCE: a live server's request thread may still hold a session at the end."""
    for connection, old_name, destroy in config:
        if not destroy:
            continue
        test_name = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = old_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                f"DROP DATABASE IF EXISTS {connection.ops.quote_name(test_name)} WITH (FORCE)"
            )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rolled-back tests must not leave cached pages or site paths for the next test."""
    from django.core.cache import cache

    cache.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying the database: put the demo data back after it.

    This runs after every fixture's teardown, so after pytest-django's flush.
    """
    yield
    marker = item.get_closest_marker("django_db")
    flushed = bool({"transactional_db", "live_server"} & set(item.fixturenames)) or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    # After the session's last test the test database is already gone: nothing to put back.
    if flushed and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_demo_data()


@pytest.fixture
def platform(db):
    from carebook.organisations.services import ensure_platform

    return ensure_platform()


@pytest.fixture
def demo(db):
    """The demo organisations, logins and manuals (already loaded with the test database)."""


@pytest.fixture(scope="session")
def _demo_server(django_db_setup, django_db_blocker):
    # pytest-django's live_server empties the database after every test; reloading the demo
    # each time would cost more than the tests. This server shares the session's demo data.
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost", start=False)
        if server.thread.connections_override:
            server.thread = _one_request_at_a_time(server.thread)
        server.start()
    yield server
    server.stop()


def _one_request_at_a_time(thread):
    """The server thread again, with its requests run one at a time (for in-memory SQLite).

    That database is a single connection, shared by the tests and every request thread. Two
    requests using it at once (as the admin's background requests do while a form is posted)
    fail with "cannot open savepoint - SQL statements in progress". Connections are still
    accepted in parallel: a browser's idle preconnected socket must not hold up the others.
    """
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    lock = threading.Lock()

    def one_at_a_time(application):
        def run(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return run

    class Server(ThreadedWSGIServer):
        def set_app(self, application):
            super().set_app(one_at_a_time(application))

    class Thread(LiveServerThread):
        server_class = Server

    serialised = Thread(
        thread.host,
        thread.static_handler,
        connections_override=thread.connections_override,
        port=thread.port,
    )
    serialised.daemon = True
    return serialised


@pytest.fixture
def live_demo(_demo_server, django_db_blocker):
    """A live server over the demo data, shared by the browser tests of a session.

    Browser tests talk to it only through the browser; what they change stays for later
    browser tests, so each test makes its own changes on content no other test relies on.
    """
    with django_db_blocker.unblock():
        yield _demo_server


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
