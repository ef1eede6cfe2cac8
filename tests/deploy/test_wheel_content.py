"""The production wheel, built from a clean copy of the repository (what `git archive` gives), carries no
simulator and does not depend on the simulators' libraries; the bcx-sim wheel carries them instead."""

from __future__ import annotations

import email
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.deploy.support import ROOT


def clean_copy(target: Path) -> Path:
    """The tracked files as they are now (``git stash create`` snapshots uncommitted edits without touching
    the tree; a clean tree gives HEAD), extracted from ``git archive``: no venv, caches or untracked files."""
    git = ["git", "-C", str(ROOT)]
    snapshot = subprocess.run(
        [*git, "stash", "create"], capture_output=True, text=True, check=True, timeout=60
    )
    tree = snapshot.stdout.strip() or "HEAD"
    archive = subprocess.run(
        [*git, "archive", "--format=tar", tree], capture_output=True, check=True, timeout=60
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def build_wheel(source: Path, out: Path) -> zipfile.ZipFile:
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
            str(source),
        ],
        check=True,
        timeout=240,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    return zipfile.ZipFile(wheel)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clean_copy(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def production(copy: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    return build_wheel(copy, tmp_path_factory.mktemp("bcx-wheel"))


@pytest.fixture(scope="module")
def simulators(copy: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    return build_wheel(copy / "simulators", tmp_path_factory.mktemp("sim-wheel"))


def requirements(wheel: zipfile.ZipFile) -> list[str]:
    metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    message = email.message_from_bytes(wheel.read(metadata))
    return [str(r) for r in message.get_all("Requires-Dist") or []]


class TestProductionWheel:
    def test_has_no_simulators(self, production: zipfile.ZipFile) -> None:
        """No file of the production wheel lives under simulators/, and the packages it ships are there."""
        names = production.namelist()
        assert not [n for n in names if n.startswith("simulators/")]
        for package in ("bcx/", "producers/", "consumers/", "routing/"):
            assert any(n.startswith(package) for n in names), package

    def test_carries_the_flows_policies(self, production: zipfile.ZipFile) -> None:
        """The flows' packaged policy files (read when no BCX_*__POLICY_PATH is set) are in the wheel."""
        names = production.namelist()
        for policy in ("consumers/order_exceptions/policy.yaml", "consumers/onboarding/policy.yaml"):
            assert policy in names, policy

    def test_pdf_and_template_libraries_are_only_the_sim_extra(self, production: zipfile.ZipFile) -> None:
        """fpdf2 and jinja2 are required only with the sim extra (and dev, which includes it), never at run
        time; Babel is a runtime requirement."""
        wanted = [r for r in requirements(production) if r.lower().startswith(("fpdf2", "jinja2"))]
        extras = {r.split("extra ==")[-1].strip(" '\"") for r in wanted if "extra ==" in r}
        assert len(wanted) >= 2
        assert all("extra ==" in r for r in wanted)
        assert extras == {"sim", "dev"}
        assert any(r.lower().startswith("babel") and "extra" not in r for r in requirements(production))


class TestSimulatorWheel:
    def test_carries_the_simulators_and_their_templates(
        self, copy: Path, simulators: zipfile.ZipFile
    ) -> None:
        """bcx-sim holds every simulator file (Jinja templates and template.yaml too) and needs bcx[sim]."""
        folder = copy / "simulators"
        expected = {
            p.relative_to(copy).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and p.name != "pyproject.toml"
        }
        assert any(n.endswith(".j2") for n in expected)
        assert expected <= set(simulators.namelist())
        assert any(r.replace(" ", "").startswith("bcx[sim]") for r in requirements(simulators))
