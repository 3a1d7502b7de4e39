"""`make test` skips browser tests (and says why) without Chromium; CI makes that a failure."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE_BROWSER_TEST = "tests/browser/test_foundation.py::test_axe_check_finds_a_real_problem"


def run_pytest(**env):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-rs", "-q", ONE_BROWSER_TEST],
        cwd=ROOT,
        env={
            **os.environ,
            "CAREBOOK_CHROMIUM": "/nonexistent/chromium",
            "PATH": "/usr/sbin",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_browser_is_a_skip_with_the_reason():
    result = run_pytest(CAREBOOK_REQUIRE_BROWSER="0")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "Chromium was not found" in result.stdout


def test_missing_browser_fails_when_a_browser_is_required():
    result = run_pytest(CAREBOOK_REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert "Chromium was not found" in result.stdout
