"""What the page, audit and adaptation benchmarks share: each engine measured in its own
process, on a database made for the run (SQLite in a temporary directory, PostgreSQL dropped
and created at the address given)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _maintenance(postgres_url: str) -> tuple[str, str]:
    parts = urlsplit(postgres_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def prepare_database(engine: str, *, postgres_url: str, directory: Path, sqlite_name: str) -> str:
    """The DATABASE_URL of an empty database for `engine`."""
    if engine == "sqlite":
        return f"sqlite:///{directory / sqlite_name}"
    import psycopg

    maintenance, name = _maintenance(postgres_url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_url


def drop_database(postgres_url: str) -> None:
    import psycopg

    maintenance, name = _maintenance(postgres_url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_each_engine(
    script: str,
    *,
    engines: str,
    postgres_url: str,
    sqlite_name: str,
    message: str,
    extra_environment: dict[str, str] | None = None,
    drop_postgres_after: bool = False,
) -> list[dict]:
    """Run `script --run-engine` (with this run's arguments) once per engine, each on a fresh
    database, and return the JSON report each printed on its last line."""
    reports = []
    with tempfile.TemporaryDirectory(prefix="carebook-bench-") as directory:
        for engine in engines.split(","):
            print(message.format(engine=engine), file=sys.stderr, flush=True)
            environment = {
                **os.environ,
                "DATABASE_URL": prepare_database(
                    engine,
                    postgres_url=postgres_url,
                    directory=Path(directory),
                    sqlite_name=sqlite_name,
                ),
                "MEDIA_ROOT": str(Path(directory) / "media"),
                **{
                    key: value.format(directory=directory)
                    for key, value in (extra_environment or {}).items()
                },
            }
            command = [sys.executable, script, "--run-engine", *sys.argv[1:]]
            try:
                output = subprocess.run(  # noqa: S603 - our own script, with our own arguments
                    command,
                    env=environment,
                    cwd=ROOT,
                    check=True,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            finally:
                if drop_postgres_after and engine == "postgresql":
                    drop_database(postgres_url)
            reports.append(json.loads(output.stdout.strip().splitlines()[-1]))
    return reports
