"""The wheel the Dockerfile installs carries the non-Python files the processes read at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.support import ROOT


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Build the wheel the way the Dockerfile does (`pip wheel .`, without dependencies) and list it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=240,
        capture_output=True,
    )
    (wheel,) = out.glob("bcx-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def files_under(folder: Path) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


class TestWheel:
    def test_routing_rules_are_packaged(self, wheel_names: set[str]) -> None:
        """The shipped routing rules (routing/rules/*.yaml) are in the wheel."""
        expected = files_under(ROOT / "routing" / "rules")
        assert any(name.endswith(".yaml") for name in expected)
        assert expected <= wheel_names

    def test_avro_schemas_are_packaged(self, wheel_names: set[str]) -> None:
        """Every Avro contract is in the wheel where bcx.avro.schemas looks when there is no checkout."""
        expected = {f"bcx/_schemas/{path.name}" for path in (ROOT / "schemas").glob("*.avsc")}
        assert expected
        assert expected <= wheel_names
