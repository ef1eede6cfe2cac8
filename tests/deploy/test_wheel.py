"""The image, checked without a Docker engine: its build stage builds the wheel from exactly the files it
copies out of a clean checkout's build context, and that wheel carries every non-Python file the processes
read at run time. Also: the base image pinned by digest, OCI labels, and runtime COPY sources that exist."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.dockerfile import Dockerfile, context_files, materialise_stage, parse_dockerfile
from tests.deploy.support import ROOT
from tests.support.required import missing

DOCKERFILE = ROOT / "Dockerfile"
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def wheel_names(dockerfile: Dockerfile, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Copy the build stage's COPY set out of the clean-checkout context into a temp dir, run the stage's
    `pip wheel` there (no dependencies, no network: hatchling comes from the dev environment) and list it."""
    if importlib.util.find_spec("hatchling") is None:
        missing("hatchling (a dev dependency) is needed to build the wheel offline; run `make install`")
    image_root = tmp_path_factory.mktemp("image")
    workdir = materialise_stage(dockerfile.stages[0], context_files(), ROOT, image_root)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [*PIP_WHEEL, "-w", str(out), str(workdir)],
        timeout=240,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"the build stage cannot build the wheel:\n{result.stderr[-3000:]}"
    (wheel,) = out.glob("bcx-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def files_under(folder: Path) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


class TestWheelFromTheBuildContext:
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

    def test_topic_catalogue_is_packaged(self, wheel_names: set[str]) -> None:
        """deploy/topics.yaml is in the wheel where bcx.kafka.topics and `bcx schemas check` look for it."""
        assert "bcx/_deploy/topics.yaml" in wheel_names


class TestBuildContext:
    def test_the_emulation_catches_a_missing_copy(self, tmp_path: Path) -> None:
        """The COPY list this image once had (no deploy/) leaves deploy/topics.yaml, which pyproject.toml
        packages, out of the stage; `COPY . .` brings it. So the wheel test above has teeth."""
        files = ["pyproject.toml", "README.md", "bcx/cli/main.py", "schemas/a.avsc", "deploy/topics.yaml"]
        checkout = tmp_path / "checkout"
        for name in files:
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            (checkout / name).write_text(name)
        old = parse_dockerfile(
            "FROM python:3.11-slim AS build\nWORKDIR /src\nCOPY pyproject.toml README.md ./\n"
            "COPY bcx bcx\nCOPY schemas schemas\n"
        )
        src = materialise_stage(old.stages[0], files, checkout, tmp_path / "old")
        assert (src / "bcx" / "cli" / "main.py").is_file()
        assert (src / "README.md").is_file()
        assert not (src / "deploy" / "topics.yaml").exists()
        new = parse_dockerfile("FROM python:3.11-slim AS build\nWORKDIR /src\nCOPY . .\n")
        src = materialise_stage(new.stages[0], files, checkout, tmp_path / "new")
        assert sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()) == sorted(files)

    def test_context_leaves_out_local_files(self) -> None:
        """.dockerignore keeps the venv, caches and var/ out of `docker build .`, as git archive would."""
        files = context_files()
        assert "pyproject.toml" in files
        assert "requirements.lock" in files
        assert not [f for f in files if f.split("/")[0] in {".venv", ".cache", "var", ".git"}]
        assert not [f for f in files if "__pycache__" in f]

    def test_every_copy_source_is_in_the_context(self, dockerfile: Dockerfile) -> None:
        """Each COPY of every stage names files a clean checkout's context has (requirements.lock,
        deploy/topics.yaml, …)."""
        files = context_files()
        for stage in dockerfile.stages:
            for sources, _ in stage.copies:
                for source in sources:
                    source = source.rstrip("/")
                    found = source == "." or source in files or any(f.startswith(source + "/") for f in files)
                    assert found, f"COPY {source}: not in the build context"


class TestImageMetadata:
    def test_base_images_are_pinned_by_digest(self, dockerfile: Dockerfile) -> None:
        """Every stage starts from an earlier stage or an image pinned by sha256 digest (through the
        PYTHON_IMAGE argument)."""
        names = {stage.name for stage in dockerfile.stages if stage.name}
        for stage in dockerfile.stages:
            if stage.base in names:
                continue
            base = re.sub(r"\$\{(\w+)\}", lambda m: dockerfile.args[m.group(1)], stage.base)
            assert re.fullmatch(r"[\w./:-]+@sha256:[0-9a-f]{64}", base), base

    def test_oci_labels(self) -> None:
        """The runtime image carries the OCI labels registries and scanners read."""
        text = DOCKERFILE.read_text()
        for label in ("title", "description", "version", "revision", "created", "licenses", "base.name"):
            assert f"org.opencontainers.image.{label}=" in text

    def test_dependencies_come_from_the_lock(self) -> None:
        """The runtime stage installs requirements.lock with hashes required, then bcx without resolving;
        the sim target does the same with requirements-sim.lock and the bcx-sim wheel."""
        text = DOCKERFILE.read_text()
        assert "pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock" in text
        assert "pip install --no-cache-dir --no-deps /wheels/*.whl" in text
        assert "pip install --no-cache-dir --require-hashes -r /tmp/requirements-sim.lock" in text
        assert "pip install --no-cache-dir --no-deps /sim-wheels/*.whl" in text

    def test_the_default_target_is_the_production_image(self, dockerfile: Dockerfile) -> None:
        """`docker build` without --target gives the runtime stage (no simulators); `sim` builds on it."""
        stages = {stage.name: stage for stage in dockerfile.stages if stage.name}
        assert dockerfile.stages[-1].base == "runtime"
        assert stages["sim"].base == "runtime"
        assert not any("sim" in " ".join(sources) for sources, _ in stages["runtime"].copies)
