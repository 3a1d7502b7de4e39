"""Demo data: fictional organisations, people and content, marked "Demo content — not for practice".

Each app that has demo data provides a module with `load(log)`; steps run in this order, each
creating what is missing and never overwriting what is there. Add a step by appending its
module here.
"""

from collections.abc import Callable
from importlib import import_module

DEMO_PASSWORD = "carebook-demo"
DEMO_MARK = "Demo content — not for practice"

DEMO_STEPS = [
    "carebook.organisations.demo",
    "carebook.accounts.demo",
    "carebook.manuals.demo",
    "carebook.adaptation.demo",
    "carebook.audits.demo",
]


def run_demo_steps(log: Callable[[str], None]) -> None:
    for module_name in DEMO_STEPS:
        import_module(module_name).load(log)
