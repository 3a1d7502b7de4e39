"""The one place where Carebook reads its environment.

Every setting that can change between machines is read here, with its default, so that a
reader can see at a glance what a deployment may set.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


@dataclass(frozen=True)
class Environment:
    secret_key: str = field(default_factory=lambda: os.environ.get("SECRET_KEY", ""))
    database_url: str = field(
        default_factory=lambda: os.environ.get(
            "DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'carebook.sqlite3'}"
        )
    )
    allowed_hosts: list[str] = field(default_factory=lambda: _list("ALLOWED_HOSTS"))
    csrf_trusted_origins: list[str] = field(default_factory=lambda: _list("CSRF_TRUSTED_ORIGINS"))
    base_url: str = field(
        default_factory=lambda: os.environ.get("CAREBOOK_BASE_URL", "http://127.0.0.1:8000")
    )
    media_root: str = field(
        default_factory=lambda: os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
    )
    # Files that only a view may hand out (built manual PDFs): never under MEDIA_ROOT.
    private_root: str = field(
        default_factory=lambda: os.environ.get(
            "CAREBOOK_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")
        )
    )
    static_root: str = field(
        default_factory=lambda: os.environ.get("STATIC_ROOT", str(BASE_DIR / "var" / "static"))
    )
    email_host: str = field(default_factory=lambda: os.environ.get("EMAIL_HOST", ""))
    email_port: int = field(default_factory=lambda: _int("EMAIL_PORT", 587))
    email_host_user: str = field(default_factory=lambda: os.environ.get("EMAIL_HOST_USER", ""))
    email_host_password: str = field(
        default_factory=lambda: os.environ.get("EMAIL_HOST_PASSWORD", "")
    )
    default_from_email: str = field(
        default_factory=lambda: os.environ.get(
            "DEFAULT_FROM_EMAIL", "Carebook <no-reply@localhost>"
        )
    )
    behind_https_proxy: bool = field(default_factory=lambda: _bool("BEHIND_HTTPS_PROXY", False))
    hsts_seconds: int = field(default_factory=lambda: _int("HSTS_SECONDS", 31_536_000))
    debug: bool = field(default_factory=lambda: _bool("CAREBOOK_DEBUG", False))
    require_browser: bool = field(default_factory=lambda: _bool("CAREBOOK_REQUIRE_BROWSER", False))
    chromium_path: str = field(
        default_factory=lambda: os.environ.get("CAREBOOK_CHROMIUM", "/usr/bin/chromium")
    )


ENV = Environment()
