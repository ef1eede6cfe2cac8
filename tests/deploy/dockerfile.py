"""Reading the Dockerfile without a Docker engine: its stages and COPY instructions, the build context a
clean checkout gives it (git's files less .dockerignore), and that context copied the way a stage copies it.
Pure helpers for tests/deploy/test_wheel.py."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tests.support.required import ROOT, missing


@dataclass
class Stage:
    base: str
    name: str | None
    copies: list[tuple[list[str], str]] = field(default_factory=list)  # (sources, destination) from context
    workdir: str = "/"


@dataclass
class Dockerfile:
    args: dict[str, str]
    stages: list[Stage]


def _instructions(text: str) -> list[str]:
    joined = re.sub(r"\\\n", " ", text)
    lines = (line.strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def parse_dockerfile(text: str) -> Dockerfile:
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _instructions(text):
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "ARG" and not stages and "=" in rest:
            name, _, value = rest.partition("=")
            args[name.strip()] = value.strip()
        elif keyword == "FROM":
            words = rest.split()
            stage_name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=stage_name))
        elif keyword == "WORKDIR" and stages:
            stages[-1].workdir = rest.strip()
        elif keyword == "COPY" and stages:
            words = [w for w in rest.split() if not w.startswith("--chown") and not w.startswith("--chmod")]
            if any(w.startswith("--from") for w in words):
                continue  # from another stage, not from the build context
            stages[-1].copies.append((words[:-1], words[-1]))
    return Dockerfile(args, stages)


def _ignore_patterns(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _ignored(relative: str, patterns: list[str]) -> bool:
    """Docker's rule for the patterns .dockerignore uses (no `!`): a pattern excludes the paths it matches
    and everything under them; `**/X` matches X at any depth."""
    parts = PurePosixPath(relative).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in (p.strip("/") for p in patterns):
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            return True
    return False


def context_files(root: Path = ROOT) -> list[str]:
    """What `git archive HEAD` would send (the tracked files), less what .dockerignore excludes."""
    if shutil.which("git") is None or not (root / ".git").exists():
        missing("the build context is read from git (git ls-files); this is not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    patterns = _ignore_patterns(root / ".dockerignore")
    names = (name for name in listed.split("\0") if name and (root / name).is_file())
    return sorted(name for name in names if not _ignored(name, patterns))


def materialise_stage(stage: Stage, files: list[str], root: Path, target: Path) -> Path:
    """Copy what ``stage``'s COPY instructions take from the context into ``target`` (standing for the
    image's /), with Docker's semantics: a directory source copies its contents, a file source lands at the
    destination (or inside it when that ends in / or there are several sources). Returns the stage's
    working directory under ``target``."""
    for sources, destination in stage.copies:
        dest = PurePosixPath(destination)
        if not dest.is_absolute():
            dest = PurePosixPath(stage.workdir) / dest
        into_dir = destination.endswith("/") or destination == "." or len(sources) > 1
        for source in (s.rstrip("/") or "." for s in sources):
            if source == ".":
                pairs = [(name, PurePosixPath(name)) for name in files]
            elif source in files:
                pairs = [(source, PurePosixPath(PurePosixPath(source).name) if into_dir else PurePosixPath())]
            else:
                prefix = source + "/"
                pairs = [(n, PurePosixPath(n.removeprefix(prefix))) for n in files if n.startswith(prefix)]
            if not pairs:
                raise FileNotFoundError(f"COPY {source}: not in the build context")
            for name, relative in pairs:
                out = target / str(dest).lstrip("/")
                out = out / relative if str(relative) != "." else out
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / name, out)
    return target / stage.workdir.lstrip("/")
