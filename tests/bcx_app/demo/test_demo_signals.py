"""`bcx demo` stops everything it started on SIGTERM and SIGHUP, as on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from bcx_app.demo.signals import Terminated, terminate_on_signals

MARKER = "HARDENING_DEMO_SIGNAL_TEST"


def processes_with(marker: str) -> list[int]:
    """Pids of live processes whose environment carries ``marker`` (the demo's children inherit it)."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


class TestSignalHandlers:
    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
    def test_signal_unwinds_like_ctrl_c(self, signum: signal.Signals) -> None:
        """SIGTERM and SIGHUP raise Terminated in the main thread (so `finally` blocks run), with the
        shell's exit code 128+N, and the previous handlers come back afterwards."""
        before = signal.getsignal(signum)

        def signalled() -> None:
            with terminate_on_signals():
                os.kill(os.getpid(), signum)
                time.sleep(5)  # the handler raises at the next bytecode boundary, long before this ends

        with pytest.raises(Terminated) as stopped:
            signalled()
        assert stopped.value.exit_code == 128 + signum
        assert signal.getsignal(signum) == before


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="leftover processes are found through /proc")
class TestDemoTerminated:
    def test_sigterm_stops_kafka_the_registry_and_every_child(self, tmp_path: Path) -> None:
        """SIGTERM to a running `bcx demo` exits 143 after stopping Kafka, the registry and the bcx
        processes it started: none of them is left running."""
        marker = uuid.uuid4().hex
        env = {**os.environ, MARKER: marker}
        demo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bcx_app.cli.main",
                "demo",
                "--orders",
                "5",
                "--workdir",
                str(tmp_path / "d"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seen: list[str] = []
        try:
            assert demo.stdout is not None
            for line in demo.stdout:
                seen.append(line)
                if line.startswith("sending webhooks"):  # Kafka, registry and every child are up
                    break
            assert demo.poll() is None, "".join(seen)
            assert len(processes_with(marker)) >= 3  # the demo, two JVMs and its children
            demo.send_signal(signal.SIGTERM)
            rest, _ = demo.communicate(timeout=180)
            leftovers = processes_with(marker)
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.wait()
            for pid in processes_with(marker):  # whatever a failing demo left behind, so it fails alone
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        output = "".join(seen) + rest
        assert demo.returncode == 128 + signal.SIGTERM, output
        assert "stopped by SIGTERM" in output
        assert leftovers == []
