"""requirements.lock (the image's runtime dependencies) and requirements-sim.lock (plus the sim extra, for
the image's `sim` target): compiled from the current pyproject.toml, every direct dependency pinned within
its range, every pin hash-checked, the same pins in both; and CI's SBOM can be made from them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.lockfile import (
    LOCK,
    SIM_LOCK,
    dependencies_digest,
    locked_inputs,
    project_dependencies,
    recorded_digest,
)
from tests.support.required import missing

# the image: CPython 3.11 on linux/amd64 (the base image), where the lock's markers are evaluated
IMAGE_ENVIRONMENT = {"python_version": "3.11", "sys_platform": "linux", "platform_system": "Linux"}


def pins(lock: Path = LOCK) -> dict[str, str]:
    """Package name → pinned version."""
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", lock.read_text(), flags=re.MULTILINE)
    return {canonicalize_name(name): version for name, version in found}


def assert_pinned_within_range(dependencies: list[str], pinned: dict[str, str]) -> None:
    for text in dependencies:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate(IMAGE_ENVIRONMENT):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not locked: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} is outside {requirement.specifier}: run `make lock`"
        )


class TestLock:
    def test_compiled_from_the_current_dependencies(self) -> None:
        """Both locks record the digest of the dependencies and sim extra they were compiled from, and it
        matches pyproject.toml (else: run `make lock`)."""
        current = dependencies_digest(locked_inputs())
        assert recorded_digest(LOCK) == current, "run `make lock`"
        assert recorded_digest(SIM_LOCK) == current, "run `make lock`"

    def test_every_direct_dependency_is_pinned_within_its_range(self) -> None:
        """Each runtime dependency that applies in the image is pinned at a version its specifier allows;
        the sim lock adds the sim extra's, and never the production image's simulator libraries."""
        assert_pinned_within_range(project_dependencies(), pins(LOCK))
        assert_pinned_within_range(project_dependencies() + project_dependencies(extra="sim"), pins(SIM_LOCK))
        sim_only = {canonicalize_name(Requirement(d).name) for d in project_dependencies(extra="sim")}
        assert not sim_only & set(pins(LOCK))

    def test_the_sim_lock_keeps_the_production_pins(self) -> None:
        """The sim target installs on top of the production image: every production pin is the same."""
        production, sim = pins(LOCK), pins(SIM_LOCK)
        assert {name: sim.get(name) for name in production} == production

    def test_every_pin_carries_hashes(self) -> None:
        """Each pinned package lists sha256 hashes, so `pip install --require-hashes` in the image works."""
        for lock in (LOCK, SIM_LOCK):
            entries = re.split(r"^(?=[A-Za-z0-9])", lock.read_text(), flags=re.MULTILINE)
            packages = [e for e in entries if "==" in e.split("\n", 1)[0]]
            assert len(packages) == len(pins(lock)) > 10
            for entry in packages:
                assert "--hash=sha256:" in entry, entry.split("\n", 1)[0]

    def test_the_digest_sees_a_dependency_change(self) -> None:
        """Adding or changing a dependency changes the digest, so the first test has teeth."""
        current = locked_inputs()
        assert dependencies_digest([*current, "left-pad>=1"]) != dependencies_digest(current)
        assert dependencies_digest(list(reversed(current))) == dependencies_digest(current)


class TestSbom:
    def test_cyclonedx_sbom_of_the_image_dependencies(self, tmp_path: Path) -> None:
        """`cyclonedx-py requirements requirements.lock` (what `make sbom` runs in CI, offline) lists every
        pinned package with its version."""
        tool = shutil.which("cyclonedx-py") or str(Path(sys.executable).parent / "cyclonedx-py")
        if not Path(tool).is_file():
            missing("cyclonedx-py (the dev dependency cyclonedx-bom) is not installed; run `make install`")
        out = tmp_path / "sbom.json"
        result = subprocess.run(
            [tool, "requirements", "--of", "JSON", "-o", str(out), str(LOCK)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        components = {
            canonicalize_name(c["name"]): c["version"] for c in json.loads(out.read_text())["components"]
        }
        assert components == pins()
