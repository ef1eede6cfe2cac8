"""Every ``bcx`` command that reads settings refuses a misspelt variable with exit 2 naming it, never its
value, and a new command cannot slip past this check: the test lists every leaf command of the real parser
and fails on one it does not know."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from bcx_app.cli.main import build_parser
from consumers.registry import FLOWS
from tests.bcx_app.cli.test_bad_settings import SECRET, run_bcx

MISSPELT = "BCX_KAFKA__BOOTSTRAP_SERVER"

#: leaf command → the arguments it needs to reach its settings (before any I/O)
READS_SETTINGS: dict[str, list[str]] = {
    "bridge": [],
    "campaigns plan": ["vip-email-brochure"],
    "campaigns run": ["vip-email-brochure"],
    "consume": ["order-documents"],
    "dlq inspect": ["order-documents"],
    "dlq replay": ["order-documents"],
    "enrich": [],
    "erase": ["--customer", "1", "--store", "abc123"],
    "index run": [],
    "index migrate": [],
    "index prune": [],
    "index serve": [],
    "policies publish": [],
    "policies status": [],
    "preview": ["order-documents", "--order", "1", "--store", "abc123"],
    "reconcile": ["--store", "abc123", "--since", "2026-01-01"],
    "schemas check": [],
    "statements plan": [],
    "sweep delayed-orders": [],
    "sweep abandoned-carts": [],
    "sweep replenishment": [],
    "sweep win-back": [],
    "topics apply": [],
}

#: leaf command → why it reads no BCX_ settings (or checks its arguments first)
NO_SETTINGS: dict[str, str] = {
    "campaigns list": "lists the campaign files shipped with the package",
    "campaigns manifest": "prints a campaign's manifest from its file",
    "demo": "runs on embedded defaults; its own test covers start-up",
    "flows": "prints the flow declarations",
    "hooks sync": "needs BCX_BIGCOMMERCE__STORES first (test_bad_settings: hooks-without-stores)",
    "hooks status": "needs BCX_BIGCOMMERCE__STORES first (test_bad_settings: hooks-without-stores)",
    "local fetch": "downloads jars into .cache/ (no BCX_ settings)",
    "local up": "starts local services on fixed ports (no BCX_ settings)",
    "local down": "stops local services (no BCX_ settings)",
    "local status": "reports local services (no BCX_ settings)",
    "policies rollback": "refuses without --policy before reading settings",
    "reissue": "refuses without a selection before reading settings",
    "routing check": "checks a rules file (pure)",
    "routing explain": "explains a rules file (pure)",
    "routing fields": "lists the routing facts (pure)",
    "sim bigcommerce": "simulator with its own flags",
    "sim webhooks": "simulator with its own flags",
    "sim exstream": "simulator with its own flags",
    "topics plan": "prints deploy/topics.yaml as it would be applied (no broker)",
    "trace": "refuses without a selection before reading settings",
}


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
    """The parser's commands down to the ones that run (``sweep delayed-orders``, ``bridge``, …)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield prefix
    for group in groups:
        for name, sub in group.choices.items():
            yield from leaf_commands(sub, f"{prefix} {name}".strip())


class TestEveryCommand:
    def test_every_command_is_classified(self) -> None:
        """Each leaf command of the real parser is either checked below or listed with why it reads no
        settings, so a new command cannot ship without a bad-setting check."""
        leaves = set(leaf_commands(build_parser(None)))
        assert leaves == set(READS_SETTINGS) | set(NO_SETTINGS)
        assert not set(READS_SETTINGS) & set(NO_SETTINGS)

    @pytest.mark.parametrize("command", sorted(READS_SETTINGS))
    def test_misspelt_variable_exits_2_naming_it(self, command: str) -> None:
        """A misspelt variable stops the command before any I/O: exit 2, the variable named, its value
        nowhere, one line, no traceback."""
        result = run_bcx([*command.split(), *READS_SETTINGS[command]], {MISSPELT: f"{SECRET}:9092"})
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert MISSPELT in result.stderr, output
        assert SECRET not in output
        assert "Traceback" not in output
        assert len(result.stderr.strip().splitlines()) == 1, output

    @pytest.mark.parametrize("flow", sorted(declaration.name for declaration in FLOWS))
    def test_every_flow_refuses_a_misspelt_variable(self, flow: str) -> None:
        """``bcx consume <flow>`` refuses a misspelt variable for every registered flow, not just one."""
        result = run_bcx(["consume", flow], {MISSPELT: f"{SECRET}:9092"})
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert MISSPELT in result.stderr, output
        assert SECRET not in output
        assert "Traceback" not in output
