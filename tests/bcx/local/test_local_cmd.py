"""`bcx local up|status`: a port clash fails naming the port; status names who holds it."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from bcx.local.kafka_node import free_port
from bcx_app.cli.main import main


def listen(port: int) -> socket.socket:
    """A listening socket held by the test process: "another program" on ``port``."""
    sock = socket.socket()
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()  # a port taken meanwhile: no unclosed socket left for the garbage collector to report
        raise
    return sock


def pair() -> int:
    """A free port whose successor is free too (the controller or management port goes there)."""
    while True:
        port = free_port()
        if port < 65534:
            try:
                with listen(port + 1):
                    return port
            except OSError:
                continue


class TestLocalUp:
    def test_port_clash_fails_naming_the_port_and_starts_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`bcx local up` with its registry port held by another program exits 2 naming that port, before
        any JVM is started."""
        kafka, registry = pair(), pair()
        with listen(registry):
            code = main(
                [
                    "local",
                    "up",
                    "--run-dir",
                    str(tmp_path),
                    "--kafka-port",
                    str(kafka),
                    "--registry-port",
                    str(registry),
                ]
            )
        captured = capsys.readouterr()
        assert code == 2
        assert f"port {registry} is already in use" in captured.err
        assert "running" not in captured.out
        assert not list(tmp_path.rglob("*.pid"))

    def test_ports_must_be_valid(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A port outside 1-65534 is refused by the parser (exit 2), naming the value given."""
        with pytest.raises(SystemExit) as exit_info:
            main(["local", "up", "--kafka-port", "70000"])
        assert exit_info.value.code == 2
        assert "port 70000 is outside 1-65534" in capsys.readouterr().err


class TestLocalStatus:
    def test_status_reports_another_program_on_the_port_as_not_ours(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With nothing of ours running but another program on the recorded Kafka port, status exits 3 and
        says the port is held by another process."""
        kafka, registry = pair(), pair()
        (tmp_path / "ports.json").write_text(json.dumps({"kafka": kafka, "registry": registry}))
        with listen(kafka):
            code = main(["local", "status", "--run-dir", str(tmp_path)])
        out = capsys.readouterr().out
        assert code == 3
        assert f"kafka     stopped (port {kafka} is held by another process)" in out
        assert f"registry  stopped  http://127.0.0.1:{registry}/apis/ccompat/v7" in out
