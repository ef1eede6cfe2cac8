"""The production commands load no simulator code, and the simulator commands say clearly when the
simulators (the bcx[sim] extra) are not installed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bcx_app.cli.main import main

_PROBE = """
import sys
from bcx_app.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
for module in {modules}:
    __import__(module)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("simulators", "fpdf", "jinja2"))
print("LOADED", loaded)
"""


def loaded_after(argv: list[str], *, also_import: tuple[str, ...] = ()) -> list[str]:
    """Simulator modules in ``sys.modules`` of a fresh interpreter after ``bcx <argv>`` (plus imports)."""
    code = _PROBE.format(modules=list(also_import))
    result = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120, check=True
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED "))
    found: list[str] = eval(line.removeprefix("LOADED "))  # noqa: S307 - our own probe's repr of a list
    return found


class TestLazyImports:
    @pytest.mark.parametrize(
        ("argv", "modules"),
        [
            (
                ["consume", "--help"],
                ("consumers.registry", "consumers.runtime.app", "consumers.order_documents.app"),
            ),
            (["bridge", "--help"], ("producers.webhook_bridge.server", "producers.webhook_bridge.app")),
            (["enrich", "--help"], ("producers.enricher.service",)),
        ],
        ids=["consume", "bridge", "enrich"],
    )
    def test_production_commands_load_no_simulator(self, argv: list[str], modules: tuple[str, ...]) -> None:
        """`bcx consume|bridge|enrich` and the code their handlers run import no simulator, fpdf or jinja2."""
        assert loaded_after(argv, also_import=modules) == []

    def test_the_probe_sees_simulator_imports(self) -> None:
        """Importing a simulator is reported, so the check above has teeth."""
        assert "simulators.exstream" in loaded_after(["flows"], also_import=("simulators.exstream.render",))


class TestSimulatorsMissing:
    @pytest.mark.parametrize("argv", [["sim", "exstream"], ["sim", "bigcommerce"], ["demo"]])
    def test_exit_2_naming_the_extra(
        self, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without the simulators' libraries the command exits 2 with one line naming bcx[sim]."""
        monkeypatch.setitem(sys.modules, "fpdf", None)
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("bcx: error:")
        assert "bcx[sim]" in err
        assert "missing: fpdf" in err
        assert "Traceback" not in err
