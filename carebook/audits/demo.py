"""Demo step: the built-in frameworks, which the demo audits (later) run on."""

from collections.abc import Callable

from .services import load_builtin_frameworks


def load(log: Callable[[str], None]) -> None:
    for result in load_builtin_frameworks():
        log(result.message)
