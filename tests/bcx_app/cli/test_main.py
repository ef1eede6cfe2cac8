"""The bcx command line: every command group loads, errors are one clear line."""

from __future__ import annotations

import pytest

from bcx_app.cli.main import COMMAND_MODULES, build_parser, command_names, main


class TestMain:
    def test_every_command_module_registers(self) -> None:
        """Each module in COMMAND_MODULES adds at least one command to the parser."""
        choices = command_names(build_parser())
        assert len(choices) >= len(COMMAND_MODULES) - 1  # `sim` is shared by two modules
        assert {"local", "schemas", "topics"} <= set(choices)

    def test_help_lists_commands(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`bcx --help` exits 0 and names the commands."""
        with pytest.raises(SystemExit) as exited:
            main(["--help"])
        assert exited.value.code == 0
        assert "topics" in capsys.readouterr().out

    def test_configuration_error_is_one_line_exit_2(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad setting ends the command with exit 2 and a message naming the variable."""
        monkeypatch.setenv("BCX_KAFKA__SECURITY_PROTOCOL", "NOPE")
        assert main(["topics", "apply"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("bcx: error: invalid configuration")
        assert "BCX_KAFKA__SECURITY_PROTOCOL" in err

    def test_topics_plan_needs_no_cluster(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`bcx topics plan` prints the expanded catalogue without touching Kafka."""
        assert main(["topics", "plan", "--replication-factor", "1"]) == 0
        assert "documents.results.v1" in capsys.readouterr().out
